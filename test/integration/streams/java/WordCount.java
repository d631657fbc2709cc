// Kafka Streams' WordCountDemo, for test/integration/streams/java-interop.test.ts
// and bench/streams.ts: lines in, per-word counts (String -> Long) out.
//   java -cp <kafka-streams jars> WordCount.java <bootstrap> <application.id> <input> <output> <state dir> [count|map]
// "map" runs a stateless mapValues (upper case) instead, for the bench.
// Prints "running" once it processes; SIGTERM closes it.
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

public class WordCount {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[4]);
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put("consumer.auto.offset.reset", "earliest");
    boolean map = args.length > 5 && args[5].equals("map");

    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, String> lines = builder.stream(args[2]);
    if (map) {
      lines.mapValues(v -> v.toUpperCase(Locale.ROOT)).to(args[3]);
    } else {
      lines.flatMapValues(v -> Arrays.stream(v.toLowerCase(Locale.ROOT).split("\\W+")).filter(w -> !w.isEmpty()).toList())
        .groupBy((k, word) -> word)
        .count()
        .toStream()
        .to(args[3], Produced.with(Serdes.String(), Serdes.Long()));
    }

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener((next, previous) -> {
      if (next == KafkaStreams.State.RUNNING) System.out.println("running");
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close();
      done.countDown();
    }));
    streams.start();
    done.await();
  }
}

// A Java KafkaShareConsumer in a share group, for test/integration/share-consumer/java-interop.test.ts:
// reads the topic (implicit acknowledgement) until it has seen nothing for `idleMs` after its first
// record, prints every value it was given on its own line, then closes (committing the last poll).
// Arguments: bootstrap group topic idleMs
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

public class ShareInterop {
  public static void main(String[] args) {
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("group.id", args[1]);
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    p.put("max.poll.records", "200");
    long idleMs = Long.parseLong(args[3]);
    long started = System.currentTimeMillis();
    StringBuilder out = new StringBuilder();
    try (KafkaShareConsumer<String, String> c = new KafkaShareConsumer<>(p)) {
      c.subscribe(List.of(args[2]));
      long last = 0;
      boolean announced = false;
      while (true) {
        ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(200));
        long now = System.currentTimeMillis();
        if (!announced) {
          System.err.println("polling");
          announced = true;
        }
        for (ConsumerRecord<String, String> r : rs) out.append(r.value()).append('\n');
        if (!rs.isEmpty() && last == 0) System.err.println("got records");
        if (!rs.isEmpty()) last = now;
        if (last > 0 && now - last > idleMs) break;
        if (last == 0 && now - started > 150000) break;
        if (!rs.isEmpty()) {
          // A slow worker: the samsa members get their share.
          try { Thread.sleep(5); } catch (InterruptedException e) { break; }
        }
      }
      c.commitSync();
    }
    System.out.print(out);
    System.out.flush();
  }
}

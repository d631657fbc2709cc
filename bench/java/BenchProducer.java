/*
 * The benchmark's Java producer driver (bench/clients/java/producer.ts compiles
 * it with javac against the kafka-clients jar of .bench/java/<version>/ and runs
 * it). Kafka's ProducerPerformance excludes its warm-up records from the rate
 * but not from the JVM's CPU, and writes to one topic; this KafkaProducer loop
 * times what the Node drivers time, after a warm-up in the same JVM:
 *
 *   args: bootstrap topics(comma-separated) count warmup payloadFile prop=value...
 *
 * - one KafkaProducer<byte[], byte[]> with the given properties (the harness
 *   passes the aligned settings, or only acks in the defaults mode, and always
 *   buffer.memory: the bound on unacknowledged bytes every client gets);
 * - values are the payload file's lines, as ProducerPerformance reads them,
 *   taken in order; records have no key and go to the topics round robin;
 * - send(record, callback) per record; send() blocks while buffer.memory is
 *   full, which is the feed's bound;
 * - the first `warmup` records are the JIT's warm-up and are flushed before the
 *   timed window; the window runs from the first timed send to the last
 *   acknowledgement, and the JVM's CPU (all threads: com.sun.management.
 *   OperatingSystemMXBean's process CPU time) is read at its start and once
 *   every timed record is acknowledged; close() is neither timed nor charged.
 *
 * Prints one line of JSON (read by bench/clients/java/producer-report.ts);
 * exits with 1 when a send fails.
 */
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class BenchProducer {
    private BenchProducer() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: BenchProducer bootstrap topics count warmup payloadFile [prop=value ...]");
            System.exit(2);
        }
        final String[] topics = args[1].split(",");
        final long count = Long.parseLong(args[2]);
        final long warmup = Long.parseLong(args[3]);
        final List<String> lines = Files.readAllLines(Paths.get(args[4]), StandardCharsets.UTF_8);
        final byte[][] values = new byte[lines.size()][];
        for (int i = 0; i < values.length; i++) values[i] = lines.get(i).getBytes(StandardCharsets.UTF_8);
        if (values.length == 0) {
            System.err.println("the payload file has no lines: " + args[4]);
            System.exit(2);
        }

        final Properties props = new Properties();
        props.put("bootstrap.servers", args[0]);
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        for (int i = 5; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("not a prop=value argument: " + args[i]);
                System.exit(2);
            }
            props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }

        final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        final AtomicLong acked = new AtomicLong();
        final AtomicLong ackedBytes = new AtomicLong();
        final AtomicLong lastAckNs = new AtomicLong();
        final AtomicReference<Exception> failure = new AtomicReference<>();

        final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
        long sent = 0;
        for (; sent < warmup; sent++) {
            producer.send(new ProducerRecord<>(topics[(int) (sent % topics.length)], values[(int) (sent % values.length)]), (m, e) -> {
                if (e != null) failure.compareAndSet(null, e);
            });
        }
        producer.flush();
        if (failure.get() != null) fail(failure.get());

        final long startCpu = os.getProcessCpuTime();
        final long startNs = System.nanoTime();
        for (long i = 0; i < count; i++, sent++) {
            final byte[] value = values[(int) (sent % values.length)];
            final Callback done = (m, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                    return;
                }
                acked.incrementAndGet();
                ackedBytes.addAndGet(value.length);
                lastAckNs.set(System.nanoTime());
            };
            producer.send(new ProducerRecord<>(topics[(int) (sent % topics.length)], value), done);
            if (failure.get() != null) fail(failure.get());
        }
        producer.flush();
        final long endCpu = os.getProcessCpuTime();
        if (failure.get() != null) fail(failure.get());

        System.out.println("{\"records\":" + acked.get()
            + ",\"bytes\":" + ackedBytes.get()
            + ",\"warmupRecords\":" + warmup
            + ",\"windowNs\":" + (lastAckNs.get() - startNs)
            + ",\"windowCpuNs\":" + (endCpu - startCpu)
            + "}");
        System.out.flush();
        producer.close();
    }

    private static void fail(Exception e) {
        System.err.println("a send failed: " + e);
        System.exit(1);
    }
}

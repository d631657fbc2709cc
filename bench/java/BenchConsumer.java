/*
 * The benchmark's Java consumer driver (bench/clients/java/consumer.ts compiles
 * it with javac against the kafka-clients jar of .bench/java/<version>/ and runs
 * it). Kafka's own ConsumerPerformance has no warm-up option, so this small
 * KafkaConsumer loop does what the Node drivers do, plus a warm-up share:
 *
 *   args: bootstrap topic group count warmup defaults(true|false)
 *
 * - one KafkaConsumer<byte[], byte[]> subscribed with the group, from earliest;
 *   the aligned settings of bench/settings.ts unless `defaults` (then only
 *   bootstrap, group and from-earliest are set);
 * - poll(500 ms) until `count` distinct records have arrived, each record's
 *   offset checked against its partition's next expected one (a lower offset is
 *   a duplicate, a higher one leaves a gap), as bench/lib/driver.ts's
 *   ConsumeCounter does;
 * - the first `warmup` records are the JIT's warm-up: the timed window starts
 *   at the first poll that returns records once `warmup` have arrived and
 *   ends at the count-th distinct record (the Node drivers' window, with
 *   warmup 0, starts at the first record);
 * - the JVM's CPU (all threads: com.sun.management.OperatingSystemMXBean's
 *   process CPU time) is read when the consumer is created, when the window
 *   starts and at its end; close() is neither timed nor charged.
 *
 * Prints one line of JSON (read by bench/clients/java/consumer-report.ts);
 * exits with 1 if no record arrives for 60 s.
 */
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public final class BenchConsumer {
    private static final long STALL_NS = 60_000_000_000L;

    private BenchConsumer() {}

    private static Properties config(String bootstrap, String group, boolean defaults) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", group);
        p.put("auto.offset.reset", "earliest");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        if (!defaults) {
            p.put("client.id", "bench");
            p.put("fetch.min.bytes", "1");
            p.put("fetch.max.wait.ms", "500");
            p.put("max.partition.fetch.bytes", "1048576");
            p.put("fetch.max.bytes", "52428800");
        }
        return p;
    }

    public static void main(String[] args) {
        if (args.length != 6) {
            System.err.println("usage: BenchConsumer bootstrap topic group count warmup defaults");
            System.exit(2);
        }
        final long count = Long.parseLong(args[3]);
        final long warmup = Long.parseLong(args[4]);
        final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        long[] next = new long[16];
        long received = 0;
        long duplicates = 0;
        long gaps = 0;
        long firstNs = -1;
        long lastNs = 0;
        long windowStartNs = -1;
        long windowStartCpu = 0;
        long warmupRecords = 0;
        long windowRecords = 0;
        long windowBytes = 0;

        final long createdCpu = os.getProcessCpuTime();
        final long createdNs = System.nanoTime();
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config(args[0], args[2], Boolean.parseBoolean(args[5])));
        consumer.subscribe(List.of(args[1]));
        long progressNs = createdNs;
        while (received - duplicates < count) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
            if (records.isEmpty()) {
                if (System.nanoTime() - progressNs > STALL_NS) {
                    System.err.println("no record for 60 s: " + (received - duplicates) + " distinct of " + count);
                    System.exit(1);
                }
                continue;
            }
            long bytes = 0;
            int n = 0;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                byte[] v = r.value();
                if (v != null) bytes += v.length;
                int partition = r.partition();
                if (partition >= next.length) next = Arrays.copyOf(next, Math.max(next.length * 2, partition + 1));
                long offset = r.offset();
                if (offset < next[partition]) {
                    duplicates++;
                } else {
                    gaps += offset - next[partition];
                    next[partition] = offset + 1;
                }
                n++;
            }
            // taken after the batch is handled, as ConsumeCounter.add is called
            long now = System.nanoTime();
            progressNs = now;
            if (received == 0) firstNs = now;
            if (windowStartNs < 0 && received >= warmup) {
                windowStartNs = now;
                windowStartCpu = os.getProcessCpuTime();
                warmupRecords = received;
            }
            received += n;
            if (windowStartNs >= 0) {
                windowRecords += n;
                windowBytes += bytes;
            }
            lastNs = now;
        }
        final long endCpu = os.getProcessCpuTime();

        System.out.println("{\"records\":" + received
            + ",\"distinct\":" + (received - duplicates)
            + ",\"duplicates\":" + duplicates
            + ",\"gaps\":" + gaps
            + ",\"warmupRecords\":" + warmupRecords
            + ",\"windowRecords\":" + windowRecords
            + ",\"windowBytes\":" + windowBytes
            + ",\"windowNs\":" + (lastNs - windowStartNs)
            + ",\"windowCpuNs\":" + (endCpu - windowStartCpu)
            + ",\"joinNs\":" + (firstNs - createdNs)
            + ",\"fromCreateNs\":" + (lastNs - createdNs)
            + ",\"fromCreateCpuNs\":" + (endCpu - createdCpu)
            + "}");
        System.out.flush();
        consumer.close();
    }
}

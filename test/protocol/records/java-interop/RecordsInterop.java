// Interop check between samsa's record batches and the Java client's own code
// (kafka-clients' MemoryRecords, with lz4-java, snappy-java and zstd-jni).
// Run by test/protocol/records/java-interop.test.ts as
//   java -cp <kafka jars> RecordsInterop.java <dir>
// (Kafka 4.x moved these record classes to ...common.record.internal: the
// test replaces each /*internal*/ marker with ".internal" for such jars.)
// 1. Every samsa-*.bin in <dir> is read with MemoryRecords: CRC verified,
//    decompressed, and printed one line per batch and per record (bytes as hex).
// 2. For each codec, java-<codec>.bin is written with MemoryRecordsBuilder
//    from the same deterministic records the test generates.
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record/*internal*/.CompressionType;
import org.apache.kafka.common.record/*internal*/.MemoryRecords;
import org.apache.kafka.common.record/*internal*/.MemoryRecordsBuilder;
import org.apache.kafka.common.record/*internal*/.MutableRecordBatch;
import org.apache.kafka.common.record/*internal*/.Record;
import org.apache.kafka.common.record/*internal*/.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

public class RecordsInterop {
    static String hex(ByteBuffer b) {
        if (b == null) return "null";
        StringBuilder s = new StringBuilder("x");
        ByteBuffer d = b.duplicate();
        while (d.hasRemaining()) s.append(String.format("%02x", d.get()));
        return s.toString();
    }

    static String hex(byte[] b) {
        return b == null ? "null" : hex(ByteBuffer.wrap(b));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        File dir = new File(args[0]);
        File[] files = dir.listFiles((d, name) -> name.startsWith("samsa-") && name.endsWith(".bin"));
        Arrays.sort(files);
        for (File f : files) {
            MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(f.toPath())));
            for (MutableRecordBatch batch : records.batches()) {
                batch.ensureValid();
                System.out.println("batch\t" + f.getName() + "\t" + batch.compressionType().name + "\t" + batch.baseOffset()
                    + "\t" + batch.lastOffset() + "\t" + batch.producerId() + "\t" + batch.producerEpoch() + "\t" + batch.baseSequence()
                    + "\t" + batch.isTransactional() + "\t" + batch.maxTimestamp() + "\t" + batch.countOrNull());
                for (Record r : batch) {
                    r.ensureValid();
                    StringBuilder h = new StringBuilder();
                    for (Header header : r.headers()) {
                        if (h.length() > 0) h.append(",");
                        h.append(hex(utf8(header.key()))).append("=").append(hex(header.value()));
                    }
                    System.out.println("record\t" + r.offset() + "\t" + r.timestamp() + "\t" + hex(r.key()) + "\t" + hex(r.value()) + "\t" + h);
                }
            }
        }
        for (String codec : new String[] {"none", "gzip", "snappy", "lz4", "zstd"}) {
            Compression compression = Compression.of(CompressionType.forName(codec)).build();
            MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1 << 20), RecordBatch.CURRENT_MAGIC_VALUE,
                compression, TimestampType.CREATE_TIME, 0L);
            for (int i = 0; i < 300; i++) {
                builder.append(1700000000000L + i * 7L, key(i), value(i), headers(i));
            }
            MemoryRecords built = builder.build();
            ByteBuffer out = built.buffer();
            byte[] bytes = new byte[out.remaining()];
            out.get(bytes);
            Files.write(new File(dir, "java-" + codec + ".bin").toPath(), bytes);
        }
    }

    // The deterministic records; test/protocol/records/java-interop.test.ts generates the same ones.
    static byte[] key(int i) {
        return i % 5 == 0 ? null : utf8("key-" + i);
    }

    static byte[] value(int i) {
        if (i % 9 == 4) return null;
        StringBuilder s = new StringBuilder();
        for (int k = 0; k <= i % 13; k++) s.append("value ").append(i).append(" is here; ");
        return utf8(s.toString().repeat(1 + (i % 4) * 10));
    }

    static Header[] headers(int i) {
        List<Header> list = new ArrayList<>();
        for (int j = 0; j < i % 3; j++) list.add(new RecordHeader("h" + j + "-ключ", j == 1 ? null : utf8("v" + i + "." + j)));
        return list.toArray(new Header[0]);
    }
}

import java.util.Arrays;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A transactional producer that commits every N records (kafka-producer-perf-test commits by time,
 * so a faster server would put more records in each transaction). Run by bench/broker/run.sh in
 * Java's source-file mode on the Kafka jars:
 *
 * <pre>java -cp 'kafka-lib/*' TxnCountProducer.java BOOTSTRAP TOPIC RECORDS SIZE PER_TXN ID</pre>
 *
 * Prints one line in ProducerPerformance's format, whose latencies are those of whole
 * transactions (first send to commit acknowledged), not of records.
 */
public final class TxnCountProducer {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    int records = Integer.parseInt(args[2]);
    int size = Integer.parseInt(args[3]);
    int perTxn = Integer.parseInt(args[4]);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, args[5]);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
    byte[] value = new byte[size];
    int transactions = (records + perTxn - 1) / perTxn;
    long[] latencies = new long[transactions];
    long start;
    long end;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      start = System.nanoTime();
      int sent = 0;
      for (int t = 0; t < transactions; t++) {
        long begin = System.nanoTime();
        producer.beginTransaction();
        for (int i = 0; i < perTxn && sent < records; i++, sent++) {
          producer.send(new ProducerRecord<>(topic, value));
        }
        producer.commitTransaction();
        latencies[t] = System.nanoTime() - begin;
      }
      end = System.nanoTime();
    }
    double seconds = (end - start) / 1e9;
    Arrays.sort(latencies);
    System.out.printf(
        "%d records sent, %.1f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency,"
            + " %.0f ms 50th, %.0f ms 95th, %.0f ms 99th, %.0f ms 99.9th. (%d transactions)%n",
        records,
        records / seconds,
        records * (double) size / seconds / (1024 * 1024),
        Arrays.stream(latencies).average().orElse(0) / 1e6,
        latencies[transactions - 1] / 1e6,
        percentile(latencies, 0.50),
        percentile(latencies, 0.95),
        percentile(latencies, 0.99),
        percentile(latencies, 0.999),
        transactions);
  }

  private static double percentile(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))] / 1e6;
  }
}

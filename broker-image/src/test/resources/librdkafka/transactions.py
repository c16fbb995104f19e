"""librdkafka's transactional producer (confluent-kafka-python): one transaction aborted, one
committed, three records each to partition 0 of the topic. Usage: transactions.py BOOTSTRAP TOPIC"""
import sys

from confluent_kafka import Producer

bootstrap, topic = sys.argv[1], sys.argv[2]
producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": "rdkafka-txn"})
producer.init_transactions(30)
for outcome in ("aborted", "committed"):
    producer.begin_transaction()
    for i in range(3):
        producer.produce(topic, value=f"{outcome}-{i}", partition=0)
    # Written before the abort: the abort must have records to mark.
    producer.flush(30)
    if outcome == "aborted":
        producer.abort_transaction(30)
    else:
        producer.commit_transaction(30)
print("done")

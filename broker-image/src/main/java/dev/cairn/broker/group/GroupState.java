package dev.cairn.broker.group;

/**
 * The classic group protocol's states, named as Kafka reports them in DescribeGroups/ListGroups.
 *
 * <pre>
 * Empty ──join──▶ PreparingRebalance ──all joined / timeout──▶ CompletingRebalance
 *   ▲                   ▲       ▲                                   │ leader's SyncGroup
 *   │ last member leaves│       └──── join / leave / expiry ────── Stable ◀┘
 *   └───────────────────┘
 * Dead: deleted (DeleteGroups) — the object is dropped.
 * </pre>
 */
public enum GroupState {
  EMPTY("Empty"),
  PREPARING_REBALANCE("PreparingRebalance"),
  COMPLETING_REBALANCE("CompletingRebalance"),
  STABLE("Stable"),
  DEAD("Dead");

  private final String kafkaName;

  GroupState(String kafkaName) {
    this.kafkaName = kafkaName;
  }

  public String kafkaName() {
    return kafkaName;
  }
}

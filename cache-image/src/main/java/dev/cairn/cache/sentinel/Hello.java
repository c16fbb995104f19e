package dev.cairn.cache.sentinel;

/**
 * A sentinel's hello message, as Redis's sentinel publishes it on {@code __sentinel__:hello} every
 * two seconds: {@code ip,port,runid,current_epoch,master_name,master_ip,master_port,config_epoch}.
 * Other sentinels learn from it that this one exists (and where), the epoch it is at, and the
 * master's address as of {@code configEpoch} — how a failover's outcome reaches every sentinel.
 */
public record Hello(
    Address sentinel,
    String runId,
    long currentEpoch,
    String master,
    Address masterAddress,
    long configEpoch) {

  public String format() {
    return String.join(
        ",",
        sentinel.host(),
        Integer.toString(sentinel.port()),
        runId,
        Long.toString(currentEpoch),
        master,
        masterAddress.host(),
        Integer.toString(masterAddress.port()),
        Long.toString(configEpoch));
  }

  /** The message parsed, or null if it is not a hello (anyone may publish on the channel). */
  public static Hello parse(String text) {
    String[] f = text.split(",");
    if (f.length != 8) {
      return null;
    }
    try {
      return new Hello(
          new Address(f[0], Integer.parseInt(f[1])),
          f[2],
          Long.parseLong(f[3]),
          f[4],
          new Address(f[5], Integer.parseInt(f[6])),
          Long.parseLong(f[7]));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}

package dev.cairn.operator.ensemble;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One server of an ensemble as the Ensemble's status shows it. */
public class EnsembleMember {
  @JsonPropertyDescription("The pod running this server.")
  public String pod;

  @JsonPropertyDescription(
      "Its server id: the N of its server.N line and of its myid (ordinal + 1).")
  public Integer serverId;

  @JsonPropertyDescription(
      "leader, follower, observer or standalone while serving; 'not serving' while outside a"
          + " quorum; 'unknown' when it did not answer srvr.")
  public String role;

  @JsonPropertyDescription("The last zxid it applied (srvr's Zxid), hex; absent when unknown.")
  public String lastZxid;

  static EnsembleMember of(EnsembleView.Member m) {
    EnsembleMember member = new EnsembleMember();
    member.pod = m.pod();
    member.serverId = m.serverId();
    member.role = m.state().role().label();
    member.lastZxid = m.state().zxid() < 0 ? null : "0x" + Long.toHexString(m.state().zxid());
    return member;
  }
}

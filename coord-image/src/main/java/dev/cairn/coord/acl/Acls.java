package dev.cairn.coord.acl;

import dev.cairn.coord.proto.Err;
import dev.cairn.coord.proto.KeeperError;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * ACL evaluation with ZooKeeper's schemes: {@code world:anyone}; {@code auth} (on create/setACL,
 * replaced by the caller's authenticated digest ids); {@code digest} ({@code
 * user:base64(sha1(user:password))}, matched exactly); {@code ip} ({@code addr} or {@code
 * addr/bits}, matched against the connection's address); and {@code super} ids, which pass every
 * check.
 *
 * <p>A connection's ids are its {@code ip} id plus one per successful auth packet.
 */
public final class Acls {
  private Acls() {}

  /** Throws NOAUTH unless some entry grants one of {@code perm}'s bits to one of {@code ids}. */
  public static void check(List<ACL> acl, int perm, List<Id> ids) throws KeeperError {
    if (!allows(acl, perm, ids)) {
      throw new KeeperError(Err.NOAUTH);
    }
  }

  public static boolean allows(List<ACL> acl, int perm, List<Id> ids) {
    if (acl == null || acl.isEmpty()) {
      return true;
    }
    for (Id id : ids) {
      if ("super".equals(id.getScheme())) {
        return true;
      }
    }
    for (ACL a : acl) {
      if ((a.getPerms() & perm) == 0) {
        continue;
      }
      Id id = a.getId();
      if ("world".equals(id.getScheme()) && "anyone".equals(id.getId())) {
        return true;
      }
      for (Id auth : ids) {
        if (auth.getScheme().equals(id.getScheme()) && matches(id, auth.getId())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean matches(Id aclId, String authId) {
    return switch (aclId.getScheme()) {
      case "digest" -> aclId.getId().equals(authId);
      case "ip" -> ipMatches(aclId.getId(), authId);
      default -> false;
    };
  }

  /**
   * The ACL as stored: validates every entry (INVALIDACL for an empty list, an unknown scheme, a
   * malformed id, or {@code auth} without an authenticated id) and expands {@code auth} into the
   * caller's ids. The id of an {@code auth} entry is ignored, as ZooKeeper ignores it: clients send
   * "" and some libraries write that as a null string.
   */
  public static List<ACL> fixup(List<ACL> acl, List<Id> ids) throws KeeperError {
    if (acl == null || acl.isEmpty()) {
      throw new KeeperError(Err.INVALIDACL);
    }
    Set<ACL> out = new LinkedHashSet<>();
    for (ACL a : acl) {
      Id id = a.getId();
      if (id == null || id.getScheme() == null) {
        throw new KeeperError(Err.INVALIDACL);
      }
      if (id.getId() == null && !"auth".equals(id.getScheme())) {
        throw new KeeperError(Err.INVALIDACL);
      }
      switch (id.getScheme()) {
        case "world" -> {
          if (!"anyone".equals(id.getId())) {
            throw new KeeperError(Err.INVALIDACL);
          }
          out.add(a);
        }
        case "auth" -> {
          boolean any = false;
          for (Id auth : ids) {
            if ("digest".equals(auth.getScheme()) || "super".equals(auth.getScheme())) {
              out.add(new ACL(a.getPerms(), auth));
              any = true;
            }
          }
          if (!any) {
            throw new KeeperError(Err.INVALIDACL);
          }
        }
        case "digest" -> {
          if (id.getId().split(":").length != 2) {
            throw new KeeperError(Err.INVALIDACL);
          }
          out.add(a);
        }
        case "ip" -> {
          if (!validIp(id.getId())) {
            throw new KeeperError(Err.INVALIDACL);
          }
          out.add(a);
        }
        default -> throw new KeeperError(Err.INVALIDACL);
      }
    }
    return new ArrayList<>(out);
  }

  /** {@code user:password} → {@code user:base64(sha1(user:password))}. */
  public static String digest(String userPassword) {
    try {
      String user = userPassword.split(":", 2)[0];
      byte[] sha1 =
          MessageDigest.getInstance("SHA1").digest(userPassword.getBytes(StandardCharsets.UTF_8));
      return user + ":" + Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA1", e);
    }
  }

  /** Digest ACLs with the hash replaced by "x", what getACL shows a caller without ADMIN. */
  public static List<ACL> redacted(List<ACL> acl) {
    List<ACL> out = new ArrayList<>(acl.size());
    for (ACL a : acl) {
      Id id = a.getId();
      if ("digest".equals(id.getScheme())) {
        out.add(new ACL(a.getPerms(), new Id("digest", id.getId().replaceAll(":.*", ":x"))));
      } else {
        out.add(a);
      }
    }
    return out;
  }

  private static boolean validIp(String spec) {
    String[] parts = spec.split("/", 2);
    try {
      byte[] addr = literal(parts[0]).getAddress();
      if (parts.length == 2) {
        int bits = Integer.parseInt(parts[1]);
        return bits >= 0 && bits <= addr.length * 8;
      }
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Parses an IP literal without ever doing a name lookup. */
  private static InetAddress literal(String s) {
    if (!s.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
      throw new IllegalArgumentException(s);
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  private static boolean ipMatches(String spec, String address) {
    try {
      String[] parts = spec.split("/", 2);
      byte[] want = literal(parts[0]).getAddress();
      byte[] have = literal(address).getAddress();
      if (want.length != have.length) {
        return false;
      }
      int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : want.length * 8;
      for (int i = 0; i < want.length; i++) {
        int take = Math.max(0, Math.min(8, bits - i * 8));
        int mask = take == 0 ? 0 : (0xFF << (8 - take)) & 0xFF;
        if ((want[i] & mask) != (have[i] & mask)) {
          return false;
        }
      }
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}

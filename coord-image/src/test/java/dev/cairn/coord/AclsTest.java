package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.common.testkit.EngineExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ACL schemes and their enforcement on every op, through the official client. */
class AclsTest {
  @RegisterExtension
  static final EngineExtension<CoordinatorEngine> coord = TestCoordinators.extension();

  private static ZooKeeper as(String userPassword) throws Exception {
    ZooKeeper zk = TestCoordinators.connect(coord.engine());
    if (userPassword != null) {
      zk.addAuthInfo("digest", userPassword.getBytes(StandardCharsets.UTF_8));
    }
    return zk;
  }

  @Test
  void digestAclGrantsOnlyTheRightUser() throws Exception {
    try (ZooKeeper alice = as("alice:secret");
        ZooKeeper bob = as("bob:other");
        ZooKeeper anonymous = as(null)) {
      String digest = DigestAuthenticationProvider.generateDigest("alice:secret");
      List<ACL> acl =
          java.util.Arrays.asList(
              new ACL(Perms.ALL, new Id("digest", digest)),
              new ACL(Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
      alice.create("/acl1", "x".getBytes(), acl, CreateMode.PERSISTENT);
      assertThat(anonymous.getData("/acl1", false, null)).isEqualTo("x".getBytes());
      assertThatThrownBy(() -> bob.setData("/acl1", new byte[0], -1))
          .isInstanceOf(KeeperException.NoAuthException.class);
      assertThatThrownBy(
              () -> bob.create("/acl1/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
          .isInstanceOf(KeeperException.NoAuthException.class);
      alice.setData("/acl1", "y".getBytes(), -1);
      alice.create("/acl1/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      assertThatThrownBy(() -> bob.delete("/acl1/c", -1))
          .isInstanceOf(KeeperException.NoAuthException.class);
      alice.delete("/acl1/c", -1);

      // getACL without ADMIN hides the digest hash, with ADMIN shows it.
      assertThat(anonymous.getACL("/acl1", new Stat()).get(0).getId().getId()).isEqualTo("alice:x");
      assertThat(alice.getACL("/acl1", new Stat()).get(0).getId().getId()).isEqualTo(digest);
      assertThatThrownBy(() -> bob.setACL("/acl1", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1))
          .isInstanceOf(KeeperException.NoAuthException.class);
      Stat s = alice.setACL("/acl1", ZooDefs.Ids.OPEN_ACL_UNSAFE, 0);
      assertThat(s.getAversion()).isEqualTo(1);
      bob.setData("/acl1", "z".getBytes(), -1);
    }
  }

  @Test
  void authSchemeUsesTheCallersIdentityAndNeedsOne() throws Exception {
    try (ZooKeeper carol = as("carol:pw");
        ZooKeeper anonymous = as(null)) {
      carol.create("/acl2", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
      List<ACL> stored = carol.getACL("/acl2", new Stat());
      assertThat(stored)
          .containsExactly(
              new ACL(
                  Perms.ALL,
                  new Id("digest", DigestAuthenticationProvider.generateDigest("carol:pw"))));
      assertThatThrownBy(() -> anonymous.getData("/acl2", false, null))
          .isInstanceOf(KeeperException.NoAuthException.class);
      assertThatThrownBy(() ->
              anonymous.create("/acl3", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT))
          .isInstanceOf(KeeperException.InvalidACLException.class);
      // The auth scheme's id is ignored, even a null one (a library writing "" as a null string).
      carol.create(
          "/acl2n",
          null,
          java.util.Arrays.asList(new ACL(Perms.ALL, new Id("auth", null))),
          CreateMode.PERSISTENT);
      assertThat(carol.getACL("/acl2n", new Stat()))
          .containsExactly(
              new ACL(
                  Perms.ALL,
                  new Id("digest", DigestAuthenticationProvider.generateDigest("carol:pw"))));
      assertThatThrownBy(() ->
              anonymous.create(
                  "/acl3n",
                  null,
                  java.util.Arrays.asList(new ACL(Perms.ALL, new Id("auth", null))),
                  CreateMode.PERSISTENT))
          .isInstanceOf(KeeperException.InvalidACLException.class);
      assertThat(carol.whoAmI())
          .anySatisfy(
              c -> assertThat(c.getAuthScheme() + ":" + c.getUser()).isEqualTo("digest:carol"));
    }
  }

  @Test
  void ipAclMatchesTheClientAddress() throws Exception {
    try (ZooKeeper zk = as(null)) {
      zk.create(
          "/acl4",
          null,
          java.util.Arrays.asList(new ACL(Perms.ALL, new Id("ip", "127.0.0.0/8"))),
          CreateMode.PERSISTENT);
      zk.setData("/acl4", new byte[] {1}, -1);
      zk.create(
          "/acl5",
          null,
          java.util.Arrays.asList(new ACL(Perms.ALL, new Id("ip", "10.1.2.3"))),
          CreateMode.PERSISTENT);
      assertThatThrownBy(() -> zk.getData("/acl5", false, null))
          .isInstanceOf(KeeperException.NoAuthException.class);
      assertThatThrownBy(() ->
              zk.create(
                  "/acl6",
                  null,
                  java.util.Arrays.asList(new ACL(Perms.ALL, new Id("ip", "not-an-ip"))),
                  CreateMode.PERSISTENT))
          .isInstanceOf(KeeperException.InvalidACLException.class);
    }
  }
}

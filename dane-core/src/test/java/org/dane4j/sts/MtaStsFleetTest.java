package org.dane4j.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** {@link MtaSts} over a cache that other senders write too (checklist STS-3). */
class MtaStsFleetTest {
  private final StsLab lab = new StsLab();

  @AfterEach
  void close() {
    lab.close();
  }

  @Test
  @DisplayName("STS-3: a sender that finds its expired policy gone never erases the fresh one another sender stored meanwhile")
  void sts3_lostPolicyKeepsAnotherSendersFreshOne() {
    StsPolicyCache shared = StsPolicyCache.inMemory();
    CachedStsPolicy[] fresh = new CachedStsPolicy[1];
    StsPolicyCache racing = new StsPolicyCache() {   // between this sender's read and its removal, another writes
      @Override
      public Optional<CachedStsPolicy> get(String domain) {
        Optional<CachedStsPolicy> held = shared.get(domain);
        if (fresh[0] != null) {
          shared.put(fresh[0]);
          fresh[0] = null;
        }
        return held;
      }

      @Override
      public void put(CachedStsPolicy entry) {
        shared.put(entry);
      }

      @Override
      public void remove(String domain) {
        shared.remove(domain);
      }
    };
    lab.sts(b -> b.cache(racing));
    CachedStsPolicy first = lab.lookup("example.test").entry().orElseThrow();
    lab.clock.advance(Duration.ofDays(2));
    lab.example.remove("_mta-sts.example.test.", Type.TXT);
    fresh[0] = new CachedStsPolicy("example.test", "other", first.policy(), lab.clock.instant());
    assertThat(lab.lookup("example.test").status()).isEqualTo(StsLookup.Status.NO_POLICY);
    assertThat(shared.get("example.test").orElseThrow().id()).isEqualTo("other");
  }
}

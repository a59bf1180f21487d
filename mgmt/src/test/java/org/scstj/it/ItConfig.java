package org.scstj.it;

/** The configuration the integration tests serve. */
final class ItConfig {
    static final String TARGET = "iqn.2026-11.org.scstj:it";
    static final String MASKED = "iqn.2026-11.org.scstj:masked";
    static final String CLOSED = "iqn.2026-11.org.scstj:closed";
    static final String MANY = "iqn.2026-11.org.scstj:many";
    /** LUN 0: a removable medium; LUN 1: mapped read-only (write-protected before any test starts). */
    static final String MEDIA = "iqn.2026-11.org.scstj:media";
    /** LUNs of {@link #MANY}, one 8 MiB disk each. */
    static final int MANY_LUNS = 8;
    /**
     * The LUN of {@link #TARGET} that libiscsi's Sanitize suite erases: 96 MiB, thin, of its own so
     * no other test's data is lost. The engine's whole-medium-rate (12 MiB/s) makes one overwrite
     * pass last 8 s: Sanitize.Reset needs the sanitize still running after ~5 s of resets and a
     * new login.
     */
    static final int SANITIZE_LUN = 6;

    private ItConfig() {
    }

    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              engine.whole-medium-rate = 12M
              handlers {
                vdisk_fileio {
                  disk0 { filename = "@DIR@/disk0.img", size = 256M, thin-provisioned = true }
                  disk64 { filename = "@DIR@/disk64.img", size = 64M, thin-provisioned = true }
                  disk4k { filename = "@DIR@/disk4k.img", size = 64M, block-size = 4096, thin-provisioned = true }
                  sanitize0 { filename = "@DIR@/sanitize0.img", size = 96M, thin-provisioned = true }
                  m0 { filename = "@DIR@/m0.img", size = 8M, thin-provisioned = true }
                  m1 { filename = "@DIR@/m1.img", size = 8M, thin-provisioned = true }
                  m2 { filename = "@DIR@/m2.img", size = 8M, thin-provisioned = true }
                  m3 { filename = "@DIR@/m3.img", size = 8M, thin-provisioned = true }
                  m4 { filename = "@DIR@/m4.img", size = 8M, thin-provisioned = true }
                  m5 { filename = "@DIR@/m5.img", size = 8M, thin-provisioned = true }
                  m6 { filename = "@DIR@/m6.img", size = 8M, thin-provisioned = true }
                  m7 { filename = "@DIR@/m7.img", size = 8M, thin-provisioned = true }
                  rm0 { filename = "@DIR@/rm0.img", size = 8M, removable = true }
                  ro0 { filename = "@DIR@/ro0.img", size = 8M, thin-provisioned = true }
                }
                vdisk_nullio { null0 { size = 1T } }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "iqn.2026-11.org.scstj:it" { luns { 0 = disk0, 1 = null0, 2 = disk64, 3 = disk4k, 6 = sanitize0 } }
                  "iqn.2026-11.org.scstj:many" { luns { 0 = m0, 1 = m1, 2 = m2, 3 = m3, 4 = m4, 5 = m5, 6 = m6, 7 = m7 } }
                  "iqn.2026-11.org.scstj:masked" {
                    luns { }
                    groups {
                      libiscsi {
                        initiators = ["iqn.2007-10.com.github:sahlberg:*"]
                        luns { 5 { device = disk64, read-only = true } }
                      }
                    }
                  }
                  "iqn.2026-11.org.scstj:closed" {
                    luns { }
                    groups { nobody { initiators = ["iqn.1999-01.example:nobody"], luns { 0 = disk4k } } }
                  }
                  "iqn.2026-11.org.scstj:media" { luns { 0 = rm0, 1 { device = ro0, read-only = true } } }
                }
              }
            }
            """;
}

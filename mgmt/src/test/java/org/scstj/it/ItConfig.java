package org.scstj.it;

/** The configuration the integration tests serve. */
final class ItConfig {
    static final String TARGET = "iqn.2026-11.org.scstj:it";
    static final String MASKED = "iqn.2026-11.org.scstj:masked";
    static final String CLOSED = "iqn.2026-11.org.scstj:closed";

    private ItConfig() {
    }

    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers {
                vdisk_fileio {
                  disk0 { filename = "@DIR@/disk0.img", size = 256M, thin-provisioned = true }
                  disk64 { filename = "@DIR@/disk64.img", size = 64M, thin-provisioned = true }
                  disk4k { filename = "@DIR@/disk4k.img", size = 64M, block-size = 4096, thin-provisioned = true }
                }
                vdisk_nullio { null0 { size = 1T } }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "iqn.2026-11.org.scstj:it" { luns { 0 = disk0, 1 = null0, 2 = disk64, 3 = disk4k } }
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
                }
              }
            }
            """;
}

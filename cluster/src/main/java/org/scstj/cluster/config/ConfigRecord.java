package org.scstj.cluster.config;

import org.scstj.cluster.CborSerializable;

/**
 * The cluster-wide configuration document at a revision, as kept in Distributed Data under
 * {@link ConfigAuthority#DOCUMENT} ({@code cfg-document}, an {@code LWWRegister} whose clock is the
 * revision): {@code text} is the cluster-wide part of the {@code scstj} block (docs/cluster.md,
 * "Cluster-wide configuration"), rendered as JSON; what each node adds to it stays in its own file.
 */
public record ConfigRecord(long revision, String text) implements CborSerializable {
}

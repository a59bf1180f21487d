package org.scstj.cluster;

/**
 * Marks a message sent between nodes: the generated Pekko configuration binds it to the
 * {@code jackson-cbor} serializer ({@code pekko.actor.serialization-bindings}); Java serialization
 * stays off.
 */
public interface CborSerializable {
}

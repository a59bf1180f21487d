package org.scstj.engine.actors;

import java.util.Map;

/**
 * What an actor says about itself when asked ({@code LunActor.Describe}, {@code SessionActor.Describe},
 * ...), made on its own thread from its own state.
 *
 * @param state   the behaviour it is in, one word ("running", "draining", "closing", "waiting")
 * @param details the rest, JSON-shaped: values are strings, numbers, booleans, lists and maps of them
 */
public record ActorSummary(String state, Map<String, Object> details) {
    public ActorSummary {
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }
}

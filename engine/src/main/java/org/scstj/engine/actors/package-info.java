/**
 * The live view of the engine's actors (docs/dispatchers.md, "Watching the actors"): a counter
 * object per actor ({@link org.scstj.engine.actors.ActorCounters}) fed by its mailbox
 * ({@link org.scstj.engine.actors.CountingMailbox}: depth, messages, sampled time in mailbox and
 * time handling), made known with its kind when its behaviour starts
 * ({@link org.scstj.engine.actors.Observed}), kept by path in a per-actor-system registry
 * ({@link org.scstj.engine.actors.ActorStats}) that the admin plane and the metrics read. Each actor
 * kind answers a {@code Describe} message with an {@link org.scstj.engine.actors.ActorSummary} made
 * from its own state.
 */
package org.scstj.engine.actors;

/**
 * The live view of the engine's actors (docs/dispatchers.md, "Watching the actors"): a counter
 * object per actor ({@link org.scstj.engine.actors.ActorCounters}) fed by its mailbox
 * ({@link org.scstj.engine.actors.CountingMailbox}: depth, time in mailbox) and by a behaviour
 * interceptor ({@link org.scstj.engine.actors.Observed}: messages processed, processing time), kept
 * by path in a per-actor-system registry ({@link org.scstj.engine.actors.ActorStats}) that the admin
 * plane and the metrics read. Each actor kind answers a {@code Describe} message with an
 * {@link org.scstj.engine.actors.ActorSummary} made from its own state.
 */
package org.scstj.engine.actors;

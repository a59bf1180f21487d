/**
 * Where the engine's actors run. {@link org.scstj.engine.dispatch.InlineExecutorConfigurator} is a
 * Pekko executor that runs an actor's mailbox on the thread that sent it a message (the
 * transport's event loop, or the I/O thread that completed a read), so a command's stages are
 * messages without being thread switches (docs/dispatchers.md).
 */
package org.scstj.engine.dispatch;

package org.scstj.engine.spi;

import java.util.concurrent.CompletionStage;

/**
 * What a device may ask of the engine about another device's medium: a medium changer loading a
 * cartridge into a drive, or taking it out ({@link DeviceHandlerFactory.Context#media}). A request
 * made while the engine is still starting waits until it has started.
 */
public interface Media {
    /**
     * Swaps the medium of {@code device} ({@code medium} null empties it), as the management plane
     * does: the drive's nexuses are told (28/00); refused while one of them prevents medium removal
     * unless {@code force}. Completes exceptionally with the engine's reason.
     */
    CompletionStage<Void> changeMedium(String device, String medium, boolean force);

    /** A service for handlers used outside an engine (tests): every request fails. */
    Media NONE = (device, medium, force) -> java.util.concurrent.CompletableFuture.failedFuture(
            new IllegalStateException("no engine to change the medium of " + device));
}

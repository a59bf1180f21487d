package org.scstj.engine.spi;

/** SAM-5 8.5 task attributes. */
public enum TaskAttribute {
    SIMPLE, ORDERED, HEAD_OF_QUEUE, ACA
}

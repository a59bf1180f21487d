/**
 * Task management functions (SAM-5 7) as actors: each function asks the LUN actors it reaches to
 * abort or reset, waits until their affected tasks are quiesced, and only then answers.
 */
package org.scstj.engine.tmf;

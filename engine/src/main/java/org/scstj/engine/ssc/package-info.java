/**
 * SSC-3 commands of a sequential-access device (peripheral device type 01h), a tape drive whose
 * cartridge is a {@link org.scstj.engine.spi.TapeMedium}: reading and writing logical blocks in
 * fixed- and variable-block mode with filemarks, end of data, early warning and incorrect-length
 * indications ({@link org.scstj.engine.ssc.TapeReadOp}, {@link org.scstj.engine.ssc.TapeWriteOp}),
 * moving the position ({@link org.scstj.engine.ssc.Positioning}: SPACE, LOCATE, REWIND, READ
 * POSITION, ERASE, LOAD UNLOAD) and what the drive tells of itself
 * ({@link org.scstj.engine.ssc.DriveInfo}: READ BLOCK LIMITS, REPORT DENSITY SUPPORT, READ
 * ATTRIBUTE). The position and block mode are the LU's ({@link org.scstj.engine.lu.TapeState});
 * medium commands run one at a time in task-set order through it ({@link org.scstj.engine.ssc.Tape}).
 */
package org.scstj.engine.ssc;

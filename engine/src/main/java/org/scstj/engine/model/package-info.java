/**
 * The configuration model the engine runs from: devices, targets, LUN mappings and security
 * groups, as plain records. The mgmt module builds it from HOCON and validates it.
 */
package org.scstj.engine.model;

/**
 * The live management plane (docs/admin.md): the admin API ({@link org.scstj.mgmt.admin.AdminServer},
 * its route table {@code Api}), the object tree ({@code Tree}), and the transactional change
 * machinery ({@code ChangeManager}: edits of the configuration document, validated whole, planned
 * against the running one ({@code Plan}), applied to the engine and the driver with undo, and
 * written back ({@code ConfigStore})). SIGHUP goes through the same machinery
 * ({@link org.scstj.mgmt.admin.AdminPlane#reload}).
 */
package org.scstj.mgmt.admin;

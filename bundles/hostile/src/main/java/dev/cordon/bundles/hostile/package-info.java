/** Native code that misbehaves on purpose, one method per threat. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package dev.cordon.bundles.hostile;

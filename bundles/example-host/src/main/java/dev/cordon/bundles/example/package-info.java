/** What an application bundle offers on top of isolated native services. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.cordon.bundles.example;

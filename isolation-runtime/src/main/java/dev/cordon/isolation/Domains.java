package dev.cordon.isolation;

import java.util.List;

/**
 * The Cordon runtime's view of its domains, registered as an OSGi service.
 *
 * <pre>
 * Domains domains = context.getService(context.getServiceReference(Domains.class));
 * domains.list().forEach(d -&gt; System.out.println(d.bundle() + " " + d.state()));
 * </pre>
 */
public interface Domains {
    List<DomainInfo> list();

    /**
     * Ends the bundle's domain: its calls in flight fail with DomainFailedException and
     * its restart policy applies, but an operator's kill is not a fault: it is not
     * counted in {@link DomainInfo#faults()} nor against {@code max-restarts}.
     */
    boolean kill(long bundleId);

    /** Ends the bundle's domain and starts it again at once. */
    boolean restart(long bundleId);
}

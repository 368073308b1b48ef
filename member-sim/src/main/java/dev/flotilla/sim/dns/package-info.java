/**
 * A simulated member's cluster DNS. {@link dev.flotilla.sim.dns.DnsFeed} keeps a {@link
 * dev.flotilla.sim.dns.DnsIndex} from the member's store (off the store's dispatch thread); {@link
 * dev.flotilla.sim.dns.MemberDns} answers UDP and TCP on an event loop through {@link
 * dev.flotilla.sim.dns.DnsAnswers}, which reads only immutable values, so no query waits on a lock
 * or the store. Wire format and records are dnsjava's; the answers follow CoreDNS's kubernetes and
 * multicluster plugins (names, NXDOMAIN vs NODATA, SOA in negative answers, TTL 5, SRV weights of
 * 100/n at priority 0) and the MCS DNS specification.
 */
package dev.flotilla.sim.dns;

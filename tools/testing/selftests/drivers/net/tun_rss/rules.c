// SPDX-License-Identifier: GPL-2.0
/*
 * ntuple flow rules on tun (SPEC §3, §7): ETHTOOL_SRXCLSRLINS and its
 * siblings through SIOCETHTOOL, so that the kernel's errno comes back as
 * it is, and through Debian's stock ethtool (ioctl path).
 *
 * Where each frame must come out is decided here, never by asking the
 * kernel: the test keeps its own copy of the rules it inserted and
 * matches every flow against them as the ethtool flow spec says (a set
 * mask bit is compared, fields a flow type does not carry are not, the
 * lowest location wins).  A rule delivers to a queue (folded over the
 * attached queues), drops, or spreads over an RSS context: queue
 * (table[hash % 128] + ring_cookie) % queues, with that context's key,
 * table and fields in the reference Toeplitz.  A frame no rule takes goes
 * where RSS of context 0 sends it, or to automq when RSS is not
 * configured.  Each field of each flow type is checked with a frame that
 * differs from the rule inside the mask (must not match) and one that
 * differs outside it (must match).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>

#include "../../../kselftest_harness.h"
#include "tun_rss_lib.h"

#define QUEUES		4
#define MAX_FLOWS	2200
#define MAX_RULES	1100
#define MAX_CTX		64
#define TIMEOUT_MS	500
/* A batch with drops waits this long for frames that never come */
#define DROP_TIMEOUT_MS	200
#define OUT_LEN		16384
/* Distinct rule masks tun accepts (TUN_RSS_MAX_MASKS) */
#define MASK_GROUPS	32
#define TABLE_SIZE	4096
#define RXH_SD		((__u64)(RXH_IP_SRC | RXH_IP_DST))
#define RXH_SDFN	(RXH_SD | RXH_L4_B_0_1 | RXH_L4_B_2_3)
/* Ethtool flow types up to IPV6_FLOW index the fields of a context */
#define NR_FT		(IPV6_FLOW + 1)
#define FLOW_FLAGS	(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS)

/* Expected queue of a flow, or one of these */
#define Q_ANY		-1	/* automq: some single queue */
#define Q_DROP		-2	/* a drop rule takes it */

/* What tun_rss_lib.h says the frame builder uses for zero MACs */
static const __u8 default_dmac[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };
static const __u8 default_smac[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };

/* The test's copy of the device's configuration */
struct ref_ctx {
	__u8 key[TRSS_RSS_KEY_LEN];
	__u32 indir[TRSS_INDIR_SIZE];
	__u64 fields[NR_FT];
};

struct ref_rule {
	struct ethtool_rx_flow_spec fs;
	__u32 ctx;
};

struct ref {
	struct ref_rule rule[MAX_RULES];
	unsigned int nr_rules;
	bool rss0;			/* context 0 steers (SPEC §3, 2) */
	struct ref_ctx ctx[MAX_CTX];
};

/* What a frame offers to a rule, in the byte order of the flow spec */
struct ref_key {
	__u8 h_dest[ETH_ALEN];
	__u8 h_source[ETH_ALEN];
	__be16 h_proto;			/* innermost ethertype */
	__be16 vlan_tci;		/* outermost tag, 0 when untagged */
	int l3;				/* 0, 4 or 6 */
	__u8 l4proto;
	__u8 tos;
	bool l4ok;			/* L4 header parsed: not a fragment */
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
	__be32 l4_4bytes;
	__be32 l4_known;		/* bits of l4_4bytes the test knows */
};

struct env {
	struct trss_dev dev;
	struct ref ref;
	struct trss_flow flows[MAX_FLOWS];
	int want[MAX_FLOWS];
	unsigned int nr_flows;
	struct trss_batch batch;
	char out[OUT_LEN];
	__u64 seed;
};

static void env_setup(struct __test_metadata *_metadata, struct env *e,
		      bool tun, unsigned int queues)
{
	struct trss_dev_opts opts = {
		.name = "trss0",
		.queues = queues,
		.tun = tun,
	};
	const char *seed = getenv("TRSS_SEED");
	unsigned int c, t;

	/* TRSS_SEED=<the seed logged> replays a run */
	e->seed = seed ? strtoull(seed, NULL, 0) : (__u64)time(NULL);
	TH_LOG("seed %llu", (unsigned long long)e->seed);
	ASSERT_EQ(trss_netns_private(), 0);
	ASSERT_EQ(trss_dev_create(&e->dev, &opts), 0);

	/* SPEC §4 default fields: sdfn for TCP and UDP, sd otherwise */
	for (c = 0; c < MAX_CTX; c++)
		for (t = 0; t < NR_FT; t++)
			e->ref.ctx[c].fields[t] =
				t == TCP_V4_FLOW || t == UDP_V4_FLOW ||
				t == TCP_V6_FLOW || t == UDP_V6_FLOW ?
				RXH_SDFN : RXH_SD;
}

static void env_teardown(struct env *e)
{
	trss_batch_free(&e->batch);
	trss_dev_destroy(&e->dev);
}

/* Reference classifier */

static void ref_key(const struct trss_flow *f, bool tap, struct ref_key *k)
{
	static const __u8 zero[ETH_ALEN];

	memset(k, 0, sizeof(*k));
	if (tap) {
		memcpy(k->h_dest, memcmp(f->dmac, zero, ETH_ALEN) ?
		       f->dmac : default_dmac, ETH_ALEN);
		memcpy(k->h_source, memcmp(f->smac, zero, ETH_ALEN) ?
		       f->smac : default_smac, ETH_ALEN);
		if (f->nr_vlans)
			k->vlan_tci = htons(f->vlan_tci[0]);
	}
	if (f->family == AF_INET)
		k->h_proto = htons(ETH_P_IP);
	else if (f->family == AF_INET6)
		k->h_proto = htons(ETH_P_IPV6);
	else
		k->h_proto = htons(f->ethertype ? f->ethertype :
				   ETH_P_802_EX1);
	if (f->family == AF_UNSPEC)
		return;

	k->l3 = f->family == AF_INET ? 4 : 6;
	k->l4proto = f->proto;
	k->tos = f->tos;
	memcpy(k->saddr, &f->saddr, k->l3 == 4 ? 4 : 16);
	memcpy(k->daddr, &f->daddr, k->l3 == 4 ? 4 : 16);
	if (trss_flow_is_frag(f))
		return;

	/* The builder's L4 header, or its payload when it writes none */
	k->l4ok = true;
	switch (f->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		k->sport = htons(f->sport);
		k->dport = htons(f->dport);
		k->l4_4bytes = htonl((__u32)f->sport << 16 | f->dport);
		k->l4_known = ~0U;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* echo request: type, code 0, then a checksum */
		k->l4_4bytes = htonl((__u32)(f->proto == IPPROTO_ICMP ?
					     8 : 128) << 24);
		k->l4_known = htonl(0xffff0000);
		break;
	default:
		if (!f->payload_len) {
			k->l4_4bytes = htonl(TRSS_TAG_MAGIC);
			k->l4_known = ~0U;
		}
		break;
	}
}

/* Equal where the mask has a bit set */
static bool masked_eq(const void *a, const void *b, const void *mask,
		      size_t len)
{
	const __u8 *x = a, *y = b, *m = mask;
	size_t i;

	for (i = 0; i < len; i++)
		if ((x[i] ^ y[i]) & m[i])
			return false;
	return true;
}

static __u8 flow_type_proto(__u32 ft)
{
	switch (ft) {
	case TCP_V4_FLOW:
	case TCP_V6_FLOW:
		return IPPROTO_TCP;
	case UDP_V4_FLOW:
	case UDP_V6_FLOW:
		return IPPROTO_UDP;
	default:
		return IPPROTO_SCTP;
	}
}

/*
 * Does the rule take a frame with this key?  *unknown is set when the
 * answer depends on frame bytes the test does not know.
 */
static bool ref_match(const struct ethtool_rx_flow_spec *fs,
		      const struct ref_key *k, bool *unknown)
{
	__u32 ft = fs->flow_type & ~FLOW_FLAGS;
	const __be32 *l4m = NULL, *l4h = NULL;

	switch (ft) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
	case SCTP_V4_FLOW: {
		const struct ethtool_tcpip4_spec *h = &fs->h_u.tcp_ip4_spec;
		const struct ethtool_tcpip4_spec *m = &fs->m_u.tcp_ip4_spec;

		if (k->l3 != 4 || !k->l4ok ||
		    k->l4proto != flow_type_proto(ft) ||
		    !masked_eq(&k->saddr[0], &h->ip4src, &m->ip4src, 4) ||
		    !masked_eq(&k->daddr[0], &h->ip4dst, &m->ip4dst, 4) ||
		    !masked_eq(&k->sport, &h->psrc, &m->psrc, 2) ||
		    !masked_eq(&k->dport, &h->pdst, &m->pdst, 2) ||
		    !masked_eq(&k->tos, &h->tos, &m->tos, 1))
			return false;
		break;
	}
	case IPV4_USER_FLOW: {
		const struct ethtool_usrip4_spec *h = &fs->h_u.usr_ip4_spec;
		const struct ethtool_usrip4_spec *m = &fs->m_u.usr_ip4_spec;

		if (k->l3 != 4 || (m->l4_4_bytes && !k->l4ok) ||
		    !masked_eq(&k->saddr[0], &h->ip4src, &m->ip4src, 4) ||
		    !masked_eq(&k->daddr[0], &h->ip4dst, &m->ip4dst, 4) ||
		    !masked_eq(&k->tos, &h->tos, &m->tos, 1) ||
		    !masked_eq(&k->l4proto, &h->proto, &m->proto, 1))
			return false;
		l4h = &h->l4_4_bytes;
		l4m = &m->l4_4_bytes;
		break;
	}
	case TCP_V6_FLOW:
	case UDP_V6_FLOW:
	case SCTP_V6_FLOW: {
		const struct ethtool_tcpip6_spec *h = &fs->h_u.tcp_ip6_spec;
		const struct ethtool_tcpip6_spec *m = &fs->m_u.tcp_ip6_spec;

		if (k->l3 != 6 || !k->l4ok ||
		    k->l4proto != flow_type_proto(ft) ||
		    !masked_eq(k->saddr, h->ip6src, m->ip6src, 16) ||
		    !masked_eq(k->daddr, h->ip6dst, m->ip6dst, 16) ||
		    !masked_eq(&k->sport, &h->psrc, &m->psrc, 2) ||
		    !masked_eq(&k->dport, &h->pdst, &m->pdst, 2) ||
		    !masked_eq(&k->tos, &h->tclass, &m->tclass, 1))
			return false;
		break;
	}
	case IPV6_USER_FLOW: {
		const struct ethtool_usrip6_spec *h = &fs->h_u.usr_ip6_spec;
		const struct ethtool_usrip6_spec *m = &fs->m_u.usr_ip6_spec;

		if (k->l3 != 6 || (m->l4_4_bytes && !k->l4ok) ||
		    !masked_eq(k->saddr, h->ip6src, m->ip6src, 16) ||
		    !masked_eq(k->daddr, h->ip6dst, m->ip6dst, 16) ||
		    !masked_eq(&k->tos, &h->tclass, &m->tclass, 1) ||
		    !masked_eq(&k->l4proto, &h->l4_proto, &m->l4_proto, 1))
			return false;
		l4h = &h->l4_4_bytes;
		l4m = &m->l4_4_bytes;
		break;
	}
	case ETHER_FLOW: {
		const struct ethhdr *h = &fs->h_u.ether_spec;
		const struct ethhdr *m = &fs->m_u.ether_spec;

		if (!masked_eq(k->h_dest, h->h_dest, m->h_dest, ETH_ALEN) ||
		    !masked_eq(k->h_source, h->h_source, m->h_source,
			       ETH_ALEN) ||
		    !masked_eq(&k->h_proto, &h->h_proto, &m->h_proto, 2))
			return false;
		break;
	}
	default:
		return false;
	}

	if ((fs->flow_type & FLOW_EXT) &&
	    !masked_eq(&k->vlan_tci, &fs->h_ext.vlan_tci,
		       &fs->m_ext.vlan_tci, 2))
		return false;
	if ((fs->flow_type & FLOW_MAC_EXT) &&
	    !masked_eq(k->h_dest, fs->h_ext.h_dest, fs->m_ext.h_dest,
		       ETH_ALEN))
		return false;
	if (l4m && *l4m) {
		if (*l4m & ~k->l4_known)
			*unknown = true;
		return masked_eq(&k->l4_4bytes, l4h, l4m, 4);
	}
	return true;
}

/* The flow type whose hash fields apply: fragments hash as ip4/ip6 */
static int ref_flow_type(const struct trss_flow *f)
{
	bool v4 = f->family == AF_INET;

	if (f->family != AF_INET && f->family != AF_INET6)
		return -1;
	if (trss_flow_is_frag(f))
		return v4 ? IPV4_FLOW : IPV6_FLOW;
	switch (f->proto) {
	case IPPROTO_TCP:
		return v4 ? TCP_V4_FLOW : TCP_V6_FLOW;
	case IPPROTO_UDP:
		return v4 ? UDP_V4_FLOW : UDP_V6_FLOW;
	case IPPROTO_SCTP:
		return v4 ? SCTP_V4_FLOW : SCTP_V6_FLOW;
	case IPPROTO_AH:
	case IPPROTO_ESP:
		return v4 ? AH_ESP_V4_FLOW : AH_ESP_V6_FLOW;
	default:
		return v4 ? IPV4_FLOW : IPV6_FLOW;
	}
}

/* Table entry of a flow in a context; no hash (not IP) is entry 0 */
static unsigned int ref_ctx_entry(const struct ref_ctx *c,
				  const struct trss_flow *f)
{
	int ft = ref_flow_type(f);
	__u32 hash = 0;

	if (ft >= 0)
		hash = trss_flow_hash(f, c->key, c->fields[ft], 0, NULL);
	return trss_indir_queue(c->indir, hash);
}

/* The rule a flow matches (lowest location), or NULL */
static const struct ref_rule *ref_winner(const struct ref *ref,
					 const struct trss_flow *f, bool tap,
					 bool *unknown)
{
	const struct ref_rule *best = NULL;
	struct ref_key k;
	unsigned int i;

	ref_key(f, tap, &k);
	for (i = 0; i < ref->nr_rules; i++) {
		const struct ref_rule *r = &ref->rule[i];

		if ((!best || r->fs.location < best->fs.location) &&
		    ref_match(&r->fs, &k, unknown))
			best = r;
	}
	return best;
}

/* SPEC §3: the rule, else RSS of context 0, else automq */
static int ref_queue(const struct env *e, const struct trss_flow *f,
		     bool *unknown)
{
	unsigned int nq = e->dev.nr_queues;
	const struct ref_rule *r;
	__u64 cookie;

	r = ref_winner(&e->ref, f, !e->dev.tun, unknown);
	if (!r)
		return e->ref.rss0 ?
		       (int)(ref_ctx_entry(&e->ref.ctx[0], f) % nq) : Q_ANY;
	cookie = r->fs.ring_cookie;
	if (cookie == RX_CLS_FLOW_DISC)
		return Q_DROP;
	if (r->fs.flow_type & FLOW_RSS)
		return (ref_ctx_entry(&e->ref.ctx[r->ctx], f) + cookie) % nq;
	return cookie % nq;
}

/* Fill want[] for every flow from the reference */
static void ref_expect(struct __test_metadata *_metadata, struct env *e)
{
	bool unknown = false;
	unsigned int f;

	for (f = 0; f < e->nr_flows; f++)
		e->want[f] = ref_queue(e, &e->flows[f], &unknown);
	ASSERT_FALSE(unknown) TH_LOG("a rule looks at L4 bytes the test does not know");
}

/* Flows */

static void flow_str(const struct trss_flow *f, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	if (f->family == AF_UNSPEC) {
		snprintf(buf, len, "ether %02x:..:%02x > %02x:..:%02x type %#x vlans %u tci %#x",
			 f->smac[0], f->smac[5], f->dmac[0], f->dmac[5],
			 f->ethertype, f->nr_vlans, f->vlan_tci[0]);
		return;
	}
	inet_ntop(f->family, &f->saddr, s, sizeof(s));
	inet_ntop(f->family, &f->daddr, d, sizeof(d));
	snprintf(buf, len, "proto %u %s:%u > %s:%u tos %#x%s vlans %u tci %#x dmac ..:%02x",
		 f->proto, s, f->sport, d, f->dport, f->tos,
		 trss_flow_is_frag(f) ? " frag" : "", f->nr_vlans,
		 f->vlan_tci[0], f->dmac[5]);
}

/* A random flow; on a tap with random unicast MACs */
static void flow_random(struct env *e, struct trss_flow *f, int family,
			__u8 proto)
{
	trss_flow_init(f, family, proto, 0);
	trss_flow_randomize(f, &e->seed);
	f->tos = trss_random(&e->seed);
	trss_random_bytes(&e->seed, f->dmac, ETH_ALEN);
	trss_random_bytes(&e->seed, f->smac, ETH_ALEN);
	f->dmac[0] = (f->dmac[0] & 0xfc) | 0x02;
	f->smac[0] = (f->smac[0] & 0xfc) | 0x02;
	/* what an ethertype flip starts from (the builder reads it for
	 * AF_UNSPEC only)
	 */
	f->ethertype = family == AF_INET ? ETH_P_IP :
		       family == AF_INET6 ? ETH_P_IPV6 : ETH_P_802_EX1;
}

static struct trss_flow *flow_add(struct __test_metadata *_metadata,
				  struct env *e, const struct trss_flow *f)
{
	if (e->nr_flows >= MAX_FLOWS) {
		TH_LOG("too many flows");
		return NULL;
	}
	e->flows[e->nr_flows] = *f;
	return &e->flows[e->nr_flows++];
}

/*
 * Send every flow twice and check each frame against want[]: on its
 * queue, never read when dropped, on a single queue under automq;
 * nothing lost, duplicated or stray.  Returns the frames dropped.
 */
static unsigned int check_flows(struct __test_metadata *_metadata,
				struct env *e)
{
	const unsigned int rounds = 2;
	struct trss_batch *b = &e->batch;
	unsigned int f, bad = 0, dropped = 0;
	char desc[256];
	bool ok;
	int err;

	for (f = 0; f < e->nr_flows; f++)
		if (e->want[f] == Q_DROP)
			dropped += rounds;
	err = trss_batch_run(&e->dev, e->flows, e->nr_flows, rounds,
			     dropped ? DROP_TIMEOUT_MS : TIMEOUT_MS, b);
	EXPECT_EQ(err, 0) TH_LOG("batch: %s", strerror(-err));
	if (err)
		return 0;
	EXPECT_EQ(b->stray, 0U);
	EXPECT_EQ(b->dups, 0U);
	EXPECT_EQ(b->received, b->sent - dropped);
	for (f = 0; f < e->nr_flows; f++) {
		const struct trss_flow_stat *st = &b->flow[f];
		int want = e->want[f];

		if (want == Q_DROP)
			ok = !st->received;
		else
			ok = st->received == st->sent && !st->dups &&
			     st->nr_queues == 1 &&
			     (want == Q_ANY || st->queue == want);
		if (ok || bad++ >= 4)
			continue;
		flow_str(&e->flows[f], desc, sizeof(desc));
		TH_LOG("flow %u (%s): %u of %u frames, first on queue %d, %u queues; want %s %d",
		       f, desc, st->received, st->sent, st->queue,
		       st->nr_queues, want == Q_DROP ? "drop" :
		       want == Q_ANY ? "any single queue" : "queue", want);
	}
	EXPECT_EQ(bad, 0U) TH_LOG("%u of %u flows misdelivered (%u queues)",
				  bad, e->nr_flows, e->dev.nr_queues);
	trss_batch_free(b);
	return dropped;
}

static void expect_and_check(struct __test_metadata *_metadata,
			     struct env *e)
{
	ref_expect(_metadata, e);
	check_flows(_metadata, e);
}

/* Configuration, mirrored in the reference */

static void fs_init(struct ethtool_rx_flow_spec *fs, __u32 flow_type,
		    __u64 cookie, __u32 loc)
{
	memset(fs, 0, sizeof(*fs));
	fs->flow_type = flow_type;
	fs->ring_cookie = cookie;
	fs->location = loc;
	if ((flow_type & ~FLOW_FLAGS) == IPV4_USER_FLOW)
		fs->h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4;
}

/* Every field the flow type carries gets the flow's value; no mask */
static void fs_values(struct ethtool_rx_flow_spec *fs,
		      const struct trss_flow *f, bool tap)
{
	struct ref_key k;

	ref_key(f, tap, &k);
	switch (fs->flow_type & ~FLOW_FLAGS) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
	case SCTP_V4_FLOW:
		fs->h_u.tcp_ip4_spec.ip4src = k.saddr[0];
		fs->h_u.tcp_ip4_spec.ip4dst = k.daddr[0];
		fs->h_u.tcp_ip4_spec.psrc = k.sport;
		fs->h_u.tcp_ip4_spec.pdst = k.dport;
		fs->h_u.tcp_ip4_spec.tos = k.tos;
		break;
	case IPV4_USER_FLOW:
		fs->h_u.usr_ip4_spec.ip4src = k.saddr[0];
		fs->h_u.usr_ip4_spec.ip4dst = k.daddr[0];
		fs->h_u.usr_ip4_spec.l4_4_bytes = k.l4_4bytes;
		fs->h_u.usr_ip4_spec.tos = k.tos;
		fs->h_u.usr_ip4_spec.proto = k.l4proto;
		break;
	case TCP_V6_FLOW:
	case UDP_V6_FLOW:
	case SCTP_V6_FLOW:
		memcpy(fs->h_u.tcp_ip6_spec.ip6src, k.saddr, 16);
		memcpy(fs->h_u.tcp_ip6_spec.ip6dst, k.daddr, 16);
		fs->h_u.tcp_ip6_spec.psrc = k.sport;
		fs->h_u.tcp_ip6_spec.pdst = k.dport;
		fs->h_u.tcp_ip6_spec.tclass = k.tos;
		break;
	case IPV6_USER_FLOW:
		memcpy(fs->h_u.usr_ip6_spec.ip6src, k.saddr, 16);
		memcpy(fs->h_u.usr_ip6_spec.ip6dst, k.daddr, 16);
		fs->h_u.usr_ip6_spec.l4_4_bytes = k.l4_4bytes;
		fs->h_u.usr_ip6_spec.tclass = k.tos;
		fs->h_u.usr_ip6_spec.l4_proto = k.l4proto;
		break;
	case ETHER_FLOW:
		memcpy(fs->h_u.ether_spec.h_dest, k.h_dest, ETH_ALEN);
		memcpy(fs->h_u.ether_spec.h_source, k.h_source, ETH_ALEN);
		fs->h_u.ether_spec.h_proto = k.h_proto;
		break;
	}
	if (fs->flow_type & FLOW_EXT)
		fs->h_ext.vlan_tci = k.vlan_tci;
	if (fs->flow_type & FLOW_MAC_EXT)
		memcpy(fs->h_ext.h_dest, k.h_dest, ETH_ALEN);
}

#define M_U(field)	offsetof(struct ethtool_rx_flow_spec, m_u.field)
#define M_EXT(field)	offsetof(struct ethtool_rx_flow_spec, m_ext.field)

static void fs_mask_full(struct ethtool_rx_flow_spec *fs, size_t moff,
			 size_t len)
{
	memset((__u8 *)fs + moff, 0xff, len);
}

/* A prefix mask: the first n bits of len bytes */
static void fs_mask_prefix(struct ethtool_rx_flow_spec *fs, size_t moff,
			   size_t len, unsigned int n)
{
	__u8 *m = (__u8 *)fs + moff;
	unsigned int i;

	memset(m, 0, len);
	for (i = 0; i < n && i < len * 8; i++)
		m[i / 8] |= 0x80 >> (i % 8);
}

/* Member by member: the padding of the struct is nobody's business */
static bool fs_equal(const struct ethtool_rx_flow_spec *a,
		     const struct ethtool_rx_flow_spec *b)
{
	return a->flow_type == b->flow_type &&
	       !memcmp(&a->h_u, &b->h_u, sizeof(a->h_u)) &&
	       !memcmp(&a->h_ext, &b->h_ext, sizeof(a->h_ext)) &&
	       !memcmp(&a->m_u, &b->m_u, sizeof(a->m_u)) &&
	       !memcmp(&a->m_ext, &b->m_ext, sizeof(a->m_ext)) &&
	       a->ring_cookie == b->ring_cookie &&
	       a->location == b->location;
}

/* Insert, read back as inserted, and add to the reference */
static void rule_add(struct __test_metadata *_metadata, struct env *e,
		     struct ethtool_rx_flow_spec *fs, __u32 ctx)
{
	struct ethtool_rx_flow_spec got;
	__u32 got_ctx;
	int err;

	err = trss_rule_ins(&e->dev, fs, ctx);
	ASSERT_EQ(err, 0) TH_LOG("insert type %#x at %#x: %s", fs->flow_type,
				 fs->location, strerror(-err));
	ASSERT_EQ(trss_rule_get(&e->dev, fs->location, &got, &got_ctx), 0);
	EXPECT_TRUE(fs_equal(&got, fs))
		TH_LOG("rule %u reads back different", fs->location);
	if (fs->flow_type & FLOW_RSS)
		EXPECT_EQ(got_ctx, ctx);
	ASSERT_LT(e->ref.nr_rules, (unsigned int)MAX_RULES);
	e->ref.rule[e->ref.nr_rules].fs = *fs;
	e->ref.rule[e->ref.nr_rules].ctx = ctx;
	e->ref.nr_rules++;
}

static void rule_remove(struct __test_metadata *_metadata, struct env *e,
			__u32 loc)
{
	unsigned int i;

	ASSERT_EQ(trss_rule_del(&e->dev, loc), 0) TH_LOG("location %u", loc);
	for (i = 0; i < e->ref.nr_rules; i++)
		if (e->ref.rule[i].fs.location == loc)
			break;
	ASSERT_LT(i, e->ref.nr_rules) TH_LOG("location %u: not the test's", loc);
	e->ref.rule[i] = e->ref.rule[--e->ref.nr_rules];
}

static void random_table(struct env *e, __u32 *indir, unsigned int first,
			 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < TRSS_INDIR_SIZE; i++)
		indir[i] = first + trss_random(&e->seed) % n;
}

/*
 * Context 0 steers over the first n queues with a random key: with the
 * rules' queues kept out of it, a frame a rule should have taken never
 * lands on the rule's queue by chance.
 */
static void rss0_set(struct __test_metadata *_metadata, struct env *e,
		     unsigned int n)
{
	struct ref_ctx *c = &e->ref.ctx[0];
	struct trss_rss_req req;

	trss_random_bytes(&e->seed, c->key, sizeof(c->key));
	random_table(e, c->indir, 0, n);
	trss_rss_req_init(&req, 0);
	req.key_size = TRSS_RSS_KEY_LEN;
	req.key = c->key;
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = c->indir;
	ASSERT_EQ(trss_rss_set(&e->dev, &req), 0);
	e->ref.rss0 = true;
}

/* A context with a random key and a random table over all queues */
static __u32 ctx_new(struct __test_metadata *_metadata, struct env *e)
{
	__u32 indir[TRSS_INDIR_SIZE];
	__u8 key[TRSS_RSS_KEY_LEN];
	struct trss_rss_req req;
	struct ref_ctx *c;
	int err;

	trss_random_bytes(&e->seed, key, sizeof(key));
	random_table(e, indir, 0, e->dev.nr_queues);
	trss_rss_req_init(&req, ETH_RXFH_CONTEXT_ALLOC);
	req.key_size = TRSS_RSS_KEY_LEN;
	req.key = key;
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = indir;
	err = trss_rss_set(&e->dev, &req);
	EXPECT_EQ(err, 0) TH_LOG("context creation: %s", strerror(-err));
	EXPECT_LT(req.context, (__u32)MAX_CTX);
	if (err || req.context >= MAX_CTX)
		return 0;
	c = &e->ref.ctx[req.context];
	memcpy(c->key, key, sizeof(key));
	memcpy(c->indir, indir, sizeof(indir));
	return req.context;
}

static int ctx_delete(const struct trss_dev *dev, __u32 id)
{
	struct trss_rss_req req;

	trss_rss_req_init(&req, id);
	req.indir_size = 0;
	return trss_rss_set(dev, &req);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 +
	       (t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Flow types: each field inside and outside its mask */

enum fld {
	FLD_SADDR, FLD_DADDR, FLD_SPORT, FLD_DPORT, FLD_TOS, FLD_PROTO,
	FLD_L4, FLD_DMAC, FLD_SMAC, FLD_ETYPE, FLD_VLAN,
};

struct field {
	const char *name;
	enum fld fld;
	size_t moff;		/* of its mask in the flow spec */
	unsigned int len;	/* bytes */
};

static void flip16(__u16 *v, unsigned int bit)
{
	*v ^= 0x8000 >> bit;
}

/* Flip bit (0: most significant, in network order) of a frame field */
static void flow_flip(struct trss_flow *f, enum fld fld, unsigned int bit)
{
	__u8 *p;

	switch (fld) {
	case FLD_SADDR:
	case FLD_DADDR:
		p = fld == FLD_SADDR ? (__u8 *)&f->saddr : (__u8 *)&f->daddr;
		p[bit / 8] ^= 0x80 >> (bit % 8);
		break;
	case FLD_SPORT:
		flip16(&f->sport, bit);
		break;
	case FLD_DPORT:
		flip16(&f->dport, bit);
		break;
	case FLD_L4:
		if (bit < 16)
			flip16(&f->sport, bit);
		else
			flip16(&f->dport, bit - 16);
		break;
	case FLD_TOS:
		f->tos ^= 0x80 >> bit;
		break;
	case FLD_PROTO:
		f->proto ^= 0x80 >> bit;
		break;
	case FLD_DMAC:
	case FLD_SMAC:
		p = fld == FLD_DMAC ? f->dmac : f->smac;
		p[bit / 8] ^= 0x80 >> (bit % 8);
		break;
	case FLD_ETYPE:
		flip16(&f->ethertype, bit);
		break;
	case FLD_VLAN:
		flip16(&f->vlan_tci[0], bit);
		break;
	}
}

static bool mask_bit(const struct ethtool_rx_flow_spec *fs,
		     const struct field *fl, unsigned int bit)
{
	return ((const __u8 *)fs + fl->moff)[bit / 8] & (0x80 >> (bit % 8));
}

/* Is the frame bit compared by any mask on it (ether dst and dst-mac)? */
static bool mask_bit_any(const struct ethtool_rx_flow_spec *fs,
			 const struct field *fields, unsigned int nr,
			 enum fld fld, unsigned int bit)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (fields[i].fld == fld && mask_bit(fs, &fields[i], bit))
			return true;
	return false;
}

/*
 * A random bit of field i inside its mask (in), or outside every mask on
 * that part of the frame; -1 when there is none.  Flipping a protocol or
 * ethertype bit must not make the frame something else entirely: IPv6
 * extension headers, AH, VLAN tags and IP are kept out.
 */
static int pick_bit(struct env *e, const struct ethtool_rx_flow_spec *fs,
		    const struct field *fields, unsigned int nr,
		    unsigned int idx, const struct trss_flow *base, bool in)
{
	const struct field *fl = &fields[idx];
	unsigned int n = fl->len * 8, start, i, bit;
	struct trss_flow f;

	start = trss_random(&e->seed) % n;
	for (i = 0; i < n; i++) {
		bit = (start + i) % n;
		if (in ? !mask_bit(fs, fl, bit) :
			 mask_bit_any(fs, fields, nr, fl->fld, bit))
			continue;
		f = *base;
		flow_flip(&f, fl->fld, bit);
		if (fl->fld == FLD_PROTO &&
		    (f.proto == IPPROTO_HOPOPTS || f.proto == IPPROTO_ROUTING ||
		     f.proto == IPPROTO_FRAGMENT || f.proto == IPPROTO_DSTOPTS ||
		     f.proto == IPPROTO_NONE || f.proto == IPPROTO_AH))
			continue;
		if (fl->fld == FLD_ETYPE &&
		    (!f.ethertype || f.ethertype == ETH_P_8021Q ||
		     f.ethertype == ETH_P_8021AD || f.ethertype == ETH_P_IP ||
		     f.ethertype == ETH_P_IPV6))
			continue;
		return bit;
	}
	return -1;
}

/* A flow the test means to (not) match rule r; checked on the reference */
static void add_case(struct __test_metadata *_metadata, struct env *e,
		     const struct ethtool_rx_flow_spec *fs,
		     const struct trss_flow *f, bool match, const char *what)
{
	bool unknown = false;
	struct ref_key k;
	char desc[256];

	ref_key(f, !e->dev.tun, &k);
	flow_str(f, desc, sizeof(desc));
	EXPECT_EQ(ref_match(fs, &k, &unknown), match)
		TH_LOG("rule %u, %s: %s", fs->location, what, desc);
	EXPECT_FALSE(unknown);
	flow_add(_metadata, e, f);
}

/*
 * For a rule made from base: base itself (match), and per field a frame
 * differing inside the mask (no match) and one differing outside it
 * (match), where the mask leaves room.
 */
static void add_field_cases(struct __test_metadata *_metadata, struct env *e,
			    const struct ethtool_rx_flow_spec *fs,
			    const struct trss_flow *base,
			    const struct field *fields, unsigned int nr)
{
	struct trss_flow f;
	unsigned int i;
	int in, bit;

	add_case(_metadata, e, fs, base, true, "base");
	for (i = 0; i < nr; i++) {
		for (in = 0; in < 2; in++) {
			bit = pick_bit(e, fs, fields, nr, i, base, in);
			if (bit < 0)
				continue;
			f = *base;
			flow_flip(&f, fields[i].fld, bit);
			/* an IP frame with another ethertype is not IP */
			if (fields[i].fld == FLD_ETYPE)
				f.family = AF_UNSPEC;
			add_case(_metadata, e, fs, &f, !in, fields[i].name);
		}
	}
}

/* Random masks: each field compared in part, in full, or not at all */
static void fs_masks_random(struct env *e, struct ethtool_rx_flow_spec *fs,
			    const struct field *fields, unsigned int nr)
{
	unsigned int i, kind;
	__u8 *m;

	for (i = 0; i < nr; i++) {
		m = (__u8 *)fs + fields[i].moff;
		kind = trss_random(&e->seed) % 4;
		if (kind == 0)
			continue;
		if (kind == 1) {
			memset(m, 0xff, fields[i].len);
			continue;
		}
		if (kind == 2) {
			fs_mask_prefix(fs, fields[i].moff, fields[i].len,
				       1 + trss_random(&e->seed) %
				       (fields[i].len * 8 - 1));
			continue;
		}
		trss_random_bytes(&e->seed, m, fields[i].len);
		m[0] |= 0x80;		/* one bit in, one bit out */
		m[fields[i].len - 1] &= ~1;
	}
}

static const struct field ip4_l4_fields[] = {
	{ "src-ip", FLD_SADDR, M_U(tcp_ip4_spec.ip4src), 4 },
	{ "dst-ip", FLD_DADDR, M_U(tcp_ip4_spec.ip4dst), 4 },
	{ "src-port", FLD_SPORT, M_U(tcp_ip4_spec.psrc), 2 },
	{ "dst-port", FLD_DPORT, M_U(tcp_ip4_spec.pdst), 2 },
	{ "tos", FLD_TOS, M_U(tcp_ip4_spec.tos), 1 },
};

static const struct field ip4_user_fields[] = {
	{ "src-ip", FLD_SADDR, M_U(usr_ip4_spec.ip4src), 4 },
	{ "dst-ip", FLD_DADDR, M_U(usr_ip4_spec.ip4dst), 4 },
	{ "tos", FLD_TOS, M_U(usr_ip4_spec.tos), 1 },
	{ "l4proto", FLD_PROTO, M_U(usr_ip4_spec.proto), 1 },
	{ "l4data", FLD_L4, M_U(usr_ip4_spec.l4_4_bytes), 4 },
};

static const struct field ip6_l4_fields[] = {
	{ "src-ip", FLD_SADDR, M_U(tcp_ip6_spec.ip6src), 16 },
	{ "dst-ip", FLD_DADDR, M_U(tcp_ip6_spec.ip6dst), 16 },
	{ "src-port", FLD_SPORT, M_U(tcp_ip6_spec.psrc), 2 },
	{ "dst-port", FLD_DPORT, M_U(tcp_ip6_spec.pdst), 2 },
	{ "tclass", FLD_TOS, M_U(tcp_ip6_spec.tclass), 1 },
};

static const struct field ip6_user_fields[] = {
	{ "src-ip", FLD_SADDR, M_U(usr_ip6_spec.ip6src), 16 },
	{ "dst-ip", FLD_DADDR, M_U(usr_ip6_spec.ip6dst), 16 },
	{ "tclass", FLD_TOS, M_U(usr_ip6_spec.tclass), 1 },
	{ "l4proto", FLD_PROTO, M_U(usr_ip6_spec.l4_proto), 1 },
	{ "l4data", FLD_L4, M_U(usr_ip6_spec.l4_4_bytes), 4 },
};

static const struct field ether_fields[] = {
	{ "dst", FLD_DMAC, M_U(ether_spec.h_dest), ETH_ALEN },
	{ "src", FLD_SMAC, M_U(ether_spec.h_source), ETH_ALEN },
	{ "proto", FLD_ETYPE, M_U(ether_spec.h_proto), 2 },
};

static const struct field vlan_field = {
	"vlan", FLD_VLAN, M_EXT(vlan_tci), 2
};

static const struct field dst_mac_field = {
	"dst-mac", FLD_DMAC, M_EXT(h_dest), ETH_ALEN
};

/* One rule under test: its spec, the flow it was made from, its fields */
struct rule_case {
	struct ethtool_rx_flow_spec fs;
	struct trss_flow base;
	struct field fields[8];
	unsigned int nr_fields;
};

static void rule_case_init(struct env *e, struct rule_case *rc,
			   __u32 flow_type, int family, __u8 proto,
			   const struct field *fields, unsigned int nr,
			   __u64 cookie, __u32 loc)
{
	memset(rc, 0, sizeof(*rc));
	flow_random(e, &rc->base, family, proto);
	fs_init(&rc->fs, flow_type, cookie, loc);
	memcpy(rc->fields, fields, nr * sizeof(*fields));
	rc->nr_fields = nr;
}

static void rule_case_field(struct rule_case *rc, const struct field *fl)
{
	rc->fields[rc->nr_fields++] = *fl;
}

/*
 * Frames that are the base flow in another shape: the other L4
 * protocols, fragments, IPv6 extension headers before the L4 header.
 * Whether the rule takes them follows from its flow type: tcp/udp/sctp
 * rules want that protocol, unfragmented; ip4/ip6 rules take fragments
 * unless they look at the L4 bytes; extension headers are looked through.
 */
static void add_shape_cases(struct __test_metadata *_metadata, struct env *e,
			    const struct rule_case *rc)
{
	static const __u8 protos[] = {
		IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP,
	};
	__u32 type = rc->fs.flow_type & ~FLOW_FLAGS;
	const struct trss_flow *base = &rc->base;
	bool user = type == IPV4_USER_FLOW || type == IPV6_USER_FLOW;
	bool l4 = false;
	struct trss_flow f;
	unsigned int i;

	if (base->family == AF_UNSPEC)
		return;
	if (type == IPV4_USER_FLOW)
		l4 = rc->fs.m_u.usr_ip4_spec.l4_4_bytes;
	else if (type == IPV6_USER_FLOW)
		l4 = rc->fs.m_u.usr_ip6_spec.l4_4_bytes;

	if (!user && type != ETHER_FLOW) {
		for (i = 0; i < ARRAY_SIZE(protos); i++) {
			if (protos[i] == base->proto)
				continue;
			f = *base;
			f.proto = protos[i];
			add_case(_metadata, e, &rc->fs, &f, false,
				 "other L4 protocol");
		}
	}

	/* first fragment (ports present but not parsed), then a later one */
	f = *base;
	if (base->family == AF_INET6)
		f.exthdrs[f.nr_exthdrs++] = IPPROTO_FRAGMENT;
	f.more_frags = true;
	add_case(_metadata, e, &rc->fs, &f, type == ETHER_FLOW ||
		 (user && !l4), "first fragment");
	f.frag_off = 100;
	f.more_frags = false;
	add_case(_metadata, e, &rc->fs, &f, type == ETHER_FLOW ||
		 (user && !l4), "last fragment");

	if (base->family == AF_INET6) {
		f = *base;
		f.exthdrs[f.nr_exthdrs++] = IPPROTO_HOPOPTS;
		f.exthdrs[f.nr_exthdrs++] = IPPROTO_DSTOPTS;
		add_case(_metadata, e, &rc->fs, &f, true,
			 "extension headers");
	}
}

/*
 * The rules under test take their values from their base flows and go in;
 * RSS spreads over the queues below nq - 2, which the rules use.
 */
static void insert_rule_cases(struct __test_metadata *_metadata,
			      struct env *e, struct rule_case *rc,
			      unsigned int nr)
{
	unsigned int i;

	rss0_set(_metadata, e, e->dev.nr_queues - 2);
	for (i = 0; i < nr; i++) {
		fs_values(&rc[i].fs, &rc[i].base, !e->dev.tun);
		rule_add(_metadata, e, &rc[i].fs, 0);
	}
}

/*
 * Add the field cases (and the shapes) of each rule to the flows the
 * test added, and check that every frame goes where the reference says:
 * some to the rules, some to RSS.
 */
static void check_rule_cases(struct __test_metadata *_metadata,
			     struct env *e, struct rule_case *rc,
			     unsigned int nr, bool shapes)
{
	unsigned int i, j, hits = 0, misses = 0;

	for (i = 0; i < nr; i++) {
		add_field_cases(_metadata, e, &rc[i].fs, &rc[i].base,
				rc[i].fields, rc[i].nr_fields);
		if (shapes)
			add_shape_cases(_metadata, e, &rc[i]);
	}
	ref_expect(_metadata, e);
	for (i = 0; i < e->nr_flows; i++) {
		for (j = 0; j < nr; j++)
			if (e->want[i] == (int)rc[j].fs.ring_cookie)
				break;
		if (j < nr)
			hits++;
		else
			misses++;
	}
	TH_LOG("%u frames for the rules, %u for RSS", hits, misses);
	ASSERT_GT(hits, 0U);
	ASSERT_GT(misses, 0U);
	check_flows(_metadata, e);
}

/*
 * Two rules of a flow type from two random flows: one that compares every
 * field (queue nq - 1, location 10), one with random masks (queue nq - 2,
 * location 20).
 */
static void check_flow_type(struct __test_metadata *_metadata, struct env *e,
			    __u32 flow_type, int family, __u8 proto,
			    const struct field *fields, unsigned int nr)
{
	unsigned int nq = e->dev.nr_queues, i;
	struct rule_case rc[2];

	rule_case_init(e, &rc[0], flow_type, family, proto, fields, nr,
		       nq - 1, 10);
	for (i = 0; i < nr; i++)
		fs_mask_full(&rc[0].fs, fields[i].moff, fields[i].len);
	rule_case_init(e, &rc[1], flow_type, family, proto, fields, nr,
		       nq - 2, 20);
	fs_masks_random(e, &rc[1].fs, fields, nr);
	/* an ip4/ip6 rule that ignores the L4 bytes takes fragments */
	if (flow_type == IPV4_USER_FLOW)
		rc[1].fs.m_u.usr_ip4_spec.l4_4_bytes = 0;
	if (flow_type == IPV6_USER_FLOW)
		rc[1].fs.m_u.usr_ip6_spec.l4_4_bytes = 0;
	insert_rule_cases(_metadata, e, rc, 2);
	check_rule_cases(_metadata, e, rc, 2, true);
}

/* Data path, on a tap and on a tun */

FIXTURE(rules)
{
	struct env e;
};

FIXTURE_VARIANT(rules)
{
	bool tun;
};

FIXTURE_VARIANT_ADD(rules, tap)
{
	.tun = false,
};

FIXTURE_VARIANT_ADD(rules, tun)
{
	.tun = true,
};

FIXTURE_SETUP(rules)
{
	env_setup(_metadata, &self->e, variant->tun, QUEUES);
}

FIXTURE_TEARDOWN(rules)
{
	env_teardown(&self->e);
}

TEST_F(rules, tcp4_fields)
{
	check_flow_type(_metadata, &self->e, TCP_V4_FLOW, AF_INET,
			IPPROTO_TCP, ip4_l4_fields, ARRAY_SIZE(ip4_l4_fields));
}

TEST_F(rules, udp4_fields)
{
	check_flow_type(_metadata, &self->e, UDP_V4_FLOW, AF_INET,
			IPPROTO_UDP, ip4_l4_fields, ARRAY_SIZE(ip4_l4_fields));
}

TEST_F(rules, sctp4_fields)
{
	check_flow_type(_metadata, &self->e, SCTP_V4_FLOW, AF_INET,
			IPPROTO_SCTP, ip4_l4_fields, ARRAY_SIZE(ip4_l4_fields));
}

TEST_F(rules, ip4_fields)
{
	check_flow_type(_metadata, &self->e, IPV4_USER_FLOW, AF_INET,
			IPPROTO_UDP, ip4_user_fields,
			ARRAY_SIZE(ip4_user_fields));
}

TEST_F(rules, tcp6_fields)
{
	check_flow_type(_metadata, &self->e, TCP_V6_FLOW, AF_INET6,
			IPPROTO_TCP, ip6_l4_fields, ARRAY_SIZE(ip6_l4_fields));
}

TEST_F(rules, udp6_fields)
{
	check_flow_type(_metadata, &self->e, UDP_V6_FLOW, AF_INET6,
			IPPROTO_UDP, ip6_l4_fields, ARRAY_SIZE(ip6_l4_fields));
}

TEST_F(rules, sctp6_fields)
{
	check_flow_type(_metadata, &self->e, SCTP_V6_FLOW, AF_INET6,
			IPPROTO_SCTP, ip6_l4_fields, ARRAY_SIZE(ip6_l4_fields));
}

TEST_F(rules, ip6_fields)
{
	check_flow_type(_metadata, &self->e, IPV6_USER_FLOW, AF_INET6,
			IPPROTO_TCP, ip6_user_fields,
			ARRAY_SIZE(ip6_user_fields));
}

/*
 * ip4/ip6 rules on protocols the builder writes no header for (ESP,
 * whose first four bytes, the SPI, are the tag magic here) and on ICMP
 * by protocol alone; l4data with and without the protocol.
 */
TEST_F(rules, ip_user_other_protocols)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues;
	struct ethtool_rx_flow_spec fs[3];
	struct trss_flow f;
	unsigned int i;

	rss0_set(_metadata, e, nq - 2);

	/* ip4 l4proto esp l4data "TRSS" */
	fs_init(&fs[0], IPV4_USER_FLOW, nq - 1, 1);
	fs[0].h_u.usr_ip4_spec.proto = IPPROTO_ESP;
	fs[0].m_u.usr_ip4_spec.proto = 0xff;
	fs[0].h_u.usr_ip4_spec.l4_4_bytes = htonl(TRSS_TAG_MAGIC);
	fs[0].m_u.usr_ip4_spec.l4_4_bytes = ~0U;
	/* ip6 l4data "TRSS", any protocol */
	fs_init(&fs[1], IPV6_USER_FLOW, nq - 2, 2);
	fs[1].h_u.usr_ip6_spec.l4_4_bytes = htonl(TRSS_TAG_MAGIC);
	fs[1].m_u.usr_ip6_spec.l4_4_bytes = ~0U;
	/* ip4 l4proto icmp */
	fs_init(&fs[2], IPV4_USER_FLOW, nq - 2, 3);
	fs[2].h_u.usr_ip4_spec.proto = IPPROTO_ICMP;
	fs[2].m_u.usr_ip4_spec.proto = 0xff;
	for (i = 0; i < ARRAY_SIZE(fs); i++)
		rule_add(_metadata, e, &fs[i], 0);

	for (i = 0; i < 20; i++) {
		flow_random(e, &f, AF_INET, IPPROTO_ESP);
		add_case(_metadata, e, &fs[0], &f, true, "esp");
		/* TCP ports that spell the magic: the protocol differs */
		f.proto = IPPROTO_TCP;
		f.sport = TRSS_TAG_MAGIC >> 16;
		f.dport = TRSS_TAG_MAGIC & 0xffff;
		add_case(_metadata, e, &fs[0], &f, false, "tcp, same bytes");
		f.proto = IPPROTO_ICMP;
		add_case(_metadata, e, &fs[2], &f, true, "icmp");

		flow_random(e, &f, AF_INET6, IPPROTO_ESP);
		add_case(_metadata, e, &fs[1], &f, true, "esp6");
		f.proto = IPPROTO_UDP;
		f.sport = TRSS_TAG_MAGIC >> 16;
		f.dport = TRSS_TAG_MAGIC & 0xffff;
		add_case(_metadata, e, &fs[1], &f, true, "udp6, same bytes");
		f.dport ^= 1;
		add_case(_metadata, e, &fs[1], &f, false, "udp6");
		f.frag_off = 0;
		f.proto = 200;	/* no header, payload first */
		f.payload_len = 0;
		add_case(_metadata, e, &fs[1], &f, true, "protocol 200");
	}
	expect_and_check(_metadata, e);
}

/* An ether rule on the ethertype alone: IPv4 or IPv6, tap or tun */
TEST_F(rules, ether_type_selects_ip_version)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i;
	struct ethtool_rx_flow_spec fs;
	struct trss_flow f;

	rss0_set(_metadata, e, nq - 1);
	fs_init(&fs, ETHER_FLOW, nq - 1, 7);
	fs.h_u.ether_spec.h_proto = htons(ETH_P_IPV6);
	fs.m_u.ether_spec.h_proto = 0xffff;
	rule_add(_metadata, e, &fs, 0);
	for (i = 0; i < 50; i++) {
		flow_random(e, &f, AF_INET6, i % 2 ? IPPROTO_TCP : IPPROTO_UDP);
		add_case(_metadata, e, &fs, &f, true, "ipv6");
		flow_random(e, &f, AF_INET, i % 2 ? IPPROTO_TCP : IPPROTO_UDP);
		add_case(_metadata, e, &fs, &f, false, "ipv4");
	}
	expect_and_check(_metadata, e);
}

/*
 * Lowest location wins among matching rules, whatever the insertion
 * order and across mask groups; deleting the winner lets the next apply.
 */
TEST_F(rules, lowest_location_wins)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i;
	struct ethtool_rx_flow_spec port, net, other, dup;
	struct trss_flow base, f;
	int want_both;

	/* RSS on queue 0 only, each rule's queue tells it apart */
	rss0_set(_metadata, e, 1);
	flow_random(e, &base, AF_INET, IPPROTO_TCP);

	/* dst-port P at 10 (queue nq - 1), inserted first */
	fs_init(&port, TCP_V4_FLOW, nq - 1, 10);
	fs_values(&port, &base, !e->dev.tun);
	memset(&port.m_u, 0, sizeof(port.m_u));
	port.m_u.tcp_ip4_spec.pdst = 0xffff;
	rule_add(_metadata, e, &port, 0);
	/* src-ip /24 at 5 (queue nq - 2), another mask */
	fs_init(&net, TCP_V4_FLOW, nq - 2, 5);
	fs_values(&net, &base, !e->dev.tun);
	fs_mask_prefix(&net, M_U(tcp_ip4_spec.ip4src), 4, 24);
	rule_add(_metadata, e, &net, 0);
	/* dst-port P + 1 at 1: the port group now starts below 5 */
	other = port;
	other.location = 1;
	other.ring_cookie = 1;
	other.h_u.tcp_ip4_spec.pdst = htons(base.dport + 1);
	rule_add(_metadata, e, &other, 0);
	/* the same key as the port rule, at 30 (queue 1) */
	dup = port;
	dup.location = 30;
	dup.ring_cookie = 1;
	rule_add(_metadata, e, &dup, 0);

	for (i = 0; i < 20; i++) {
		f = base;
		f.sport = trss_random(&e->seed);
		f.saddr.v4.s_addr ^= htonl(trss_random(&e->seed) & 0xff);
		flow_add(_metadata, e, &f);		/* both: 5 wins */
		f.saddr.v4.s_addr ^= htonl(0x100);
		flow_add(_metadata, e, &f);		/* the port rule */
		f = base;
		f.dport++;
		f.saddr.v4.s_addr ^= htonl(0x10000);
		flow_add(_metadata, e, &f);		/* the port + 1 rule */
		f.dport += 1000;
		flow_add(_metadata, e, &f);		/* RSS */
	}
	ref_expect(_metadata, e);
	want_both = e->want[0];
	EXPECT_EQ(want_both, (int)nq - 2);	/* the test's own premise */
	EXPECT_EQ(e->want[1], (int)nq - 1);
	EXPECT_EQ(e->want[2], 1);
	EXPECT_EQ(e->want[3], 0);
	check_flows(_metadata, e);

	rule_remove(_metadata, e, 5);
	expect_and_check(_metadata, e);
	EXPECT_EQ(e->want[0], (int)nq - 1);
	rule_remove(_metadata, e, 10);
	expect_and_check(_metadata, e);
	EXPECT_EQ(e->want[0], 1);		/* the duplicate at 30 */
	rule_remove(_metadata, e, 30);
	/* the /24 back, now behind the port rule at 10 */
	net.location = 40;
	rule_add(_metadata, e, &net, 0);
	port.location = 10;
	rule_add(_metadata, e, &port, 0);
	expect_and_check(_metadata, e);
	EXPECT_EQ(e->want[0], (int)nq - 1);
}

/*
 * SPEC §3 precedence: a rule beats the queue automq learnt for a flow
 * (the queue its reply was written from); frames no rule takes follow
 * automq, then RSS once configured, then automq again after
 * "ethtool -X dev default".
 */
TEST_F(rules, rule_then_rss_then_automq)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, learnt = 1, i;
	__u8 frame[TRSS_FRAME_MAX];
	struct ethtool_rx_flow_spec fs;
	struct trss_flow f;
	int pass, len;

	fs_init(&fs, UDP_V6_FLOW, nq - 1, 0);
	fs.h_u.udp_ip6_spec.pdst = htons(4789);
	fs.m_u.udp_ip6_spec.pdst = 0xffff;
	rule_add(_metadata, e, &fs, 0);
	for (i = 0; i < 60; i++) {
		flow_random(e, &f, AF_INET6, IPPROTO_UDP);
		if (i % 3 == 0)
			f.dport = 4789;
		flow_add(_metadata, e, &f);
	}

	for (pass = 0; pass < 3; pass++) {
		if (pass == 1) {
			rss0_set(_metadata, e, nq - 1);
		} else if (pass == 2) {
			ASSERT_EQ(trss_ethtool(e->out, OUT_LEN, "-X trss0 default"),
				  0) TH_LOG("%s", e->out);
			e->ref.rss0 = false;
		}
		/* automq: each flow's reply written from queue learnt */
		for (i = 0; i < e->nr_flows; i++) {
			f = e->flows[i];
			trss_flow_reverse(&f);
			len = trss_dev_build(&e->dev, &f, 0, frame,
					     sizeof(frame));
			ASSERT_GT(len, 0);
			ASSERT_EQ(trss_queue_write(&e->dev, learnt, frame, len),
				  0);
		}
		ref_expect(_metadata, e);
		for (i = 0; i < e->nr_flows; i++) {
			if (e->want[i] == Q_ANY)
				e->want[i] = learnt;
			if (pass != 1)
				EXPECT_EQ(e->want[i], e->flows[i].dport == 4789 ?
					  (int)nq - 1 : (int)learnt);
		}
		check_flows(_metadata, e);
	}
}

/*
 * Rules to an RSS context with a queue offset (cap_rss_rxnfc_adds): queue
 * (table[hash] + offset) % queues by the context's key, table and
 * fields; also to context 0.  Then the context's fields, key and table
 * change under the rules.
 */
TEST_F(rules, context_plus_offset)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i;
	struct ethtool_rx_flow_spec fs[3];
	struct trss_rss_req req;
	struct trss_flow base4, base6, f;
	struct ref_ctx *c;
	__u32 ctx;

	rss0_set(_metadata, e, nq);
	ctx = ctx_new(_metadata, e);
	ASSERT_GT(ctx, 0U);
	c = &e->ref.ctx[ctx];

	/* udp4 to 10.x.y.0/16 -> context + 1 */
	flow_random(e, &base4, AF_INET, IPPROTO_UDP);
	fs_init(&fs[0], UDP_V4_FLOW | FLOW_RSS, 1, 0);
	fs_values(&fs[0], &base4, !e->dev.tun);
	fs_mask_prefix(&fs[0], M_U(udp_ip4_spec.ip4dst), 4, 16);
	rule_add(_metadata, e, &fs[0], ctx);
	/* tcp6 from a /48 -> context + (nq - 1) */
	flow_random(e, &base6, AF_INET6, IPPROTO_TCP);
	fs_init(&fs[1], TCP_V6_FLOW | FLOW_RSS, nq - 1, 1);
	fs_values(&fs[1], &base6, !e->dev.tun);
	fs_mask_prefix(&fs[1], M_U(tcp_ip6_spec.ip6src), 16, 48);
	rule_add(_metadata, e, &fs[1], ctx);
	/* all of ICMP -> context 0 + 2 */
	fs_init(&fs[2], IPV4_USER_FLOW | FLOW_RSS, 2, 2);
	fs[2].h_u.usr_ip4_spec.proto = IPPROTO_ICMP;
	fs[2].m_u.usr_ip4_spec.proto = 0xff;
	rule_add(_metadata, e, &fs[2], 0);

	for (i = 0; i < 150; i++) {
		flow_random(e, &f, AF_INET, IPPROTO_UDP);
		memcpy(&f.daddr, &base4.daddr, 2);
		add_case(_metadata, e, &fs[0], &f, true, "udp4 /16");
		flow_random(e, &f, AF_INET6, IPPROTO_TCP);
		memcpy(&f.saddr, &base6.saddr, 6);
		add_case(_metadata, e, &fs[1], &f, true, "tcp6 /48");
		if (i % 3)
			continue;
		flow_random(e, &f, AF_INET, IPPROTO_ICMP);
		add_case(_metadata, e, &fs[2], &f, true, "icmp");
		flow_random(e, &f, AF_INET6, IPPROTO_UDP);
		add_case(_metadata, e, &fs[1], &f, false, "elsewhere");
	}
	expect_and_check(_metadata, e);

	/* the context's own fields: udp4 on addresses only */
	ASSERT_EQ(trss_rxfh_fields_set(&e->dev, ctx, UDP_V4_FLOW, RXH_SD), 0);
	c->fields[UDP_V4_FLOW] = RXH_SD;
	expect_and_check(_metadata, e);

	/* a new key and table for the context */
	trss_random_bytes(&e->seed, c->key, sizeof(c->key));
	random_table(e, c->indir, 0, nq);
	trss_rss_req_init(&req, ctx);
	req.key_size = TRSS_RSS_KEY_LEN;
	req.key = c->key;
	req.indir_size = TRSS_INDIR_SIZE;
	req.indir = c->indir;
	ASSERT_EQ(trss_rss_set(&e->dev, &req), 0);
	expect_and_check(_metadata, e);
}

/*
 * Drop rules (SPEC §7): every frame sent is delivered or counted, in
 * rx_ntuple_drops ("ethtool -S") and in the device's tx_dropped
 * ("ip -s link"), exactly; a queue rule at a lower location wins.
 */
TEST_F(rules, drop_is_counted_never_delivered)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i, dropped;
	__u64 nt0, nt1, tx0, tx1;
	struct ethtool_rx_flow_spec fs;
	struct trss_flow f;

	rss0_set(_metadata, e, nq - 1);
	/* tcp4 dst-port 1001 -> queue nq - 1, before... */
	fs_init(&fs, TCP_V4_FLOW, nq - 1, 0);
	fs.h_u.tcp_ip4_spec.pdst = htons(1001);
	fs.m_u.tcp_ip4_spec.pdst = 0xffff;
	rule_add(_metadata, e, &fs, 0);
	/* ...tcp4 to odd ports: drop */
	fs_init(&fs, TCP_V4_FLOW, RX_CLS_FLOW_DISC, 1);
	fs.h_u.tcp_ip4_spec.pdst = htons(1);
	fs.m_u.tcp_ip4_spec.pdst = htons(1);
	rule_add(_metadata, e, &fs, 0);
	/* udp6 from the lower half of the address space: drop */
	fs_init(&fs, UDP_V6_FLOW, RX_CLS_FLOW_DISC, 2);
	fs_mask_prefix(&fs, M_U(udp_ip6_spec.ip6src), 16, 1);
	rule_add(_metadata, e, &fs, 0);

	for (i = 0; i < 300; i++) {
		flow_random(e, &f, i % 2 ? AF_INET : AF_INET6,
			    i % 3 ? IPPROTO_TCP : IPPROTO_UDP);
		if (i % 10 == 0)
			f.dport = 1001;
		flow_add(_metadata, e, &f);
	}

	ASSERT_EQ(trss_ethtool_stat(&e->dev, "rx_ntuple_drops", &nt0), 0);
	ASSERT_EQ(trss_link_stat(&e->dev, "tx", "dropped", &tx0), 0);
	ref_expect(_metadata, e);
	dropped = check_flows(_metadata, e);
	ASSERT_EQ(trss_ethtool_stat(&e->dev, "rx_ntuple_drops", &nt1), 0);
	ASSERT_EQ(trss_link_stat(&e->dev, "tx", "dropped", &tx1), 0);
	TH_LOG("%u frames sent, %u dropped by rule", e->nr_flows * 2, dropped);
	EXPECT_GT(dropped, 0U);
	EXPECT_LT(dropped, e->nr_flows * 2);
	EXPECT_EQ(nt1 - nt0, dropped);
	EXPECT_EQ(tx1 - tx0, dropped);

	/* the drop rules gone, nothing is dropped any more */
	rule_remove(_metadata, e, 1);
	rule_remove(_metadata, e, 2);
	ref_expect(_metadata, e);
	EXPECT_EQ(check_flows(_metadata, e), 0U);
	ASSERT_EQ(trss_ethtool_stat(&e->dev, "rx_ntuple_drops", &nt0), 0);
	ASSERT_EQ(trss_link_stat(&e->dev, "tx", "dropped", &tx0), 0);
	EXPECT_EQ(nt0, nt1);
	EXPECT_EQ(tx0, tx1);
}

/*
 * 1024 rules, each sending one destination port to queue port % N, with
 * four different masks; all inserted at RX_CLS_LOC_ANY (0..1023 in
 * order) in reasonable time and all effective at once.
 */
TEST_F(rules, thousand_rules_all_effective)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, p, n = 1024;
	struct ethtool_rx_flow_spec fs, got;
	struct timespec t0;
	struct trss_flow f;
	double ms;
	__u32 data;

	rss0_set(_metadata, e, nq);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (p = 0; p < n; p++) {
		bool v4 = p < n / 2;

		flow_random(e, &f, v4 ? AF_INET : AF_INET6,
			    v4 ? IPPROTO_UDP : IPPROTO_TCP);
		f.dport = 20000 + p;
		fs_init(&fs, v4 ? UDP_V4_FLOW : TCP_V6_FLOW, p % nq,
			RX_CLS_LOC_ANY);
		fs_values(&fs, &f, !e->dev.tun);
		memset(&fs.m_u, 0, sizeof(fs.m_u));
		if (v4) {
			fs.m_u.udp_ip4_spec.pdst = 0xffff;
			if (p % 4 == 1)
				fs.m_u.udp_ip4_spec.ip4src = htonl(0xff000000);
			if (p % 4 == 2)
				fs.m_u.udp_ip4_spec.tos = 0xff;
		} else {
			fs.m_u.tcp_ip6_spec.pdst = 0xffff;
			if (p % 4 == 1)
				fs_mask_prefix(&fs, M_U(tcp_ip6_spec.ip6src),
					       16, 8);
			if (p % 4 == 2)
				fs.m_u.tcp_ip6_spec.tclass = 0xff;
		}
		if (p % 4 == 3) {
			fs.flow_type |= FLOW_EXT;	/* untagged */
			fs.m_ext.vlan_tci = 0xffff;
		}
		ASSERT_EQ(trss_rule_ins(&e->dev, &fs, 0), 0) TH_LOG("rule %u", p);
		ASSERT_EQ(fs.location, p);
		e->ref.rule[e->ref.nr_rules].fs = fs;
		e->ref.rule[e->ref.nr_rules++].ctx = 0;
		/* a flow the rule takes, and one only its port matches */
		flow_add(_metadata, e, &f);
		f.saddr.v6.s6_addr[0] ^= 0x80;
		f.tos ^= 0x40;
		flow_add(_metadata, e, &f);
	}
	ms = ms_since(&t0);
	TH_LOG("%u rules inserted in %.0f ms (%.2f ms each)", n, ms, ms / n);
	/* in UML, with lockdep, KASAN and kmemleak */
	EXPECT_LT(ms, 30000.0);

	ASSERT_EQ(trss_rule_count(&e->dev, &data), (int)n);
	EXPECT_EQ(data, TABLE_SIZE | RX_CLS_LOC_SPECIAL);
	for (p = 0; p < n; p += 97) {
		ASSERT_EQ(trss_rule_get(&e->dev, p, &got, NULL), 0);
		EXPECT_TRUE(fs_equal(&got, &e->ref.rule[p].fs));
	}
	for (p = 0; p < 100; p++) {
		flow_random(e, &f, p % 2 ? AF_INET : AF_INET6, IPPROTO_UDP);
		f.dport = 30000 + p;
		flow_add(_metadata, e, &f);
	}
	expect_and_check(_metadata, e);
}

/*
 * SPEC §2: rules keep the queue they were given; when queues detach, a
 * queue past the last one folds to queue % numqueues, and so does a
 * context's entry plus offset.  New rules are checked against the
 * queues attached now.
 */
TEST_F(rules, queues_fold_after_detach)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i;
	struct ethtool_rx_flow_spec fs[3], bad, got;
	struct trss_flow f;
	__u32 ctx;

	rss0_set(_metadata, e, nq);
	ctx = ctx_new(_metadata, e);
	ASSERT_GT(ctx, 0U);
	fs_init(&fs[0], UDP_V4_FLOW, nq - 1, 0);
	fs[0].h_u.udp_ip4_spec.pdst = htons(53);
	fs[0].m_u.udp_ip4_spec.pdst = 0xffff;
	fs_init(&fs[1], UDP_V4_FLOW, nq - 2, 1);
	fs[1].h_u.udp_ip4_spec.pdst = htons(54);
	fs[1].m_u.udp_ip4_spec.pdst = 0xffff;
	fs_init(&fs[2], TCP_V6_FLOW | FLOW_RSS, nq - 1, 2);
	for (i = 0; i < ARRAY_SIZE(fs); i++)
		rule_add(_metadata, e, &fs[i], i == 2 ? ctx : 0);
	for (i = 0; i < 150; i++) {
		flow_random(e, &f, i % 2 ? AF_INET : AF_INET6,
			    i % 2 ? IPPROTO_UDP : IPPROTO_TCP);
		if (i % 2)
			f.dport = 53 + i % 3;	/* 53, 54 and RSS */
		flow_add(_metadata, e, &f);
	}
	expect_and_check(_metadata, e);

	/* the last queue, then queue 1 (the last one moves into its place) */
	ASSERT_EQ(trss_queue_detach(&e->dev, nq - 1), 0);
	expect_and_check(_metadata, e);
	ASSERT_EQ(trss_queue_detach(&e->dev, 1), 0);
	ASSERT_EQ(trss_rx_rings(&e->dev), (int)nq - 2);
	expect_and_check(_metadata, e);

	/* rules read back as given; new ones must fit the queues now */
	for (i = 0; i < ARRAY_SIZE(fs); i++) {
		ASSERT_EQ(trss_rule_get(&e->dev, i, &got, NULL), 0);
		EXPECT_TRUE(fs_equal(&got, &fs[i]));
	}
	fs_init(&bad, UDP_V4_FLOW, nq - 2, 3);
	EXPECT_EQ(trss_rule_ins(&e->dev, &bad, 0), -EINVAL);
	bad.flow_type |= FLOW_RSS;
	EXPECT_EQ(trss_rule_ins(&e->dev, &bad, ctx), -EINVAL);
	ASSERT_EQ(trss_rule_count(&e->dev, NULL), 3);

	ASSERT_EQ(trss_queue_attach(&e->dev, 1), 0);
	ASSERT_EQ(trss_queue_attach(&e->dev, nq - 1), 0);
	ASSERT_EQ(e->dev.nr_queues, nq);
	expect_and_check(_metadata, e);
}

/*
 * "ethtool -K dev ntuple off" removes every rule, as NIC drivers do;
 * inserting is refused with EOPNOTSUPP until ntuple is on again.
 */
TEST_F(rules, ntuple_off_clears_rules)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i;
	struct ethtool_rx_flow_spec fs[3], got;
	__u64 nt0, nt1;
	struct trss_flow f;
	__u32 ctx, locs[4];

	rss0_set(_metadata, e, nq - 1);
	ctx = ctx_new(_metadata, e);
	ASSERT_GT(ctx, 0U);
	fs_init(&fs[0], UDP_V4_FLOW, nq - 1, 3);
	fs_init(&fs[1], TCP_V6_FLOW, RX_CLS_FLOW_DISC, 7);
	fs_init(&fs[2], UDP_V6_FLOW | FLOW_RSS, 0, 9);
	for (i = 0; i < ARRAY_SIZE(fs); i++)
		rule_add(_metadata, e, &fs[i], i == 2 ? ctx : 0);
	for (i = 0; i < 90; i++) {
		flow_random(e, &f, i % 3 ? AF_INET6 : AF_INET,
			    i % 2 ? IPPROTO_TCP : IPPROTO_UDP);
		flow_add(_metadata, e, &f);
	}
	ref_expect(_metadata, e);
	EXPECT_GT(check_flows(_metadata, e), 0U);

	ASSERT_EQ(trss_ethtool(e->out, OUT_LEN, "-K trss0 ntuple off"), 0)
		TH_LOG("%s", e->out);
	e->ref.nr_rules = 0;
	EXPECT_EQ(trss_rule_count(&e->dev, NULL), 0);
	EXPECT_EQ(trss_rule_all(&e->dev, locs, 4), 0);
	for (i = 0; i < ARRAY_SIZE(fs); i++)
		EXPECT_EQ(trss_rule_get(&e->dev, fs[i].location, &got, NULL),
			  -ENOENT);
	ASSERT_EQ(trss_ethtool_stat(&e->dev, "rx_ntuple_drops", &nt0), 0);
	expect_and_check(_metadata, e);
	ASSERT_EQ(trss_ethtool_stat(&e->dev, "rx_ntuple_drops", &nt1), 0);
	EXPECT_EQ(nt1, nt0);

	EXPECT_EQ(trss_rule_ins(&e->dev, &fs[0], 0), -EOPNOTSUPP);
	/* ethtool 6.1 reports the error but exits 0 (rxclass_rule_ins()) */
	trss_ethtool(e->out, OUT_LEN,
		     "-N trss0 flow-type udp4 dst-port 9 action 0");
	EXPECT_NE(strstr(e->out, "Operation not supported"), NULL)
		TH_LOG("%s", e->out);
	EXPECT_EQ(trss_rule_count(&e->dev, NULL), 0);
	/* the context is no longer in use */
	EXPECT_EQ(ctx_delete(&e->dev, ctx), 0);

	ASSERT_EQ(trss_ethtool(e->out, OUT_LEN, "-K trss0 ntuple on"), 0)
		TH_LOG("%s", e->out);
	rule_add(_metadata, e, &fs[1], 0);
	ref_expect(_metadata, e);
	EXPECT_GT(check_flows(_metadata, e), 0U);
}

/*
 * A context that a rule sends frames to cannot be deleted: EBUSY, with
 * the context, the rules and the steering all as they were.
 */
TEST_F(rules, context_in_use_is_busy)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i;
	struct ethtool_rx_flow_spec fs[2], got;
	struct trss_rss before, after;
	struct trss_flow f;
	__u32 ctx, got_ctx;

	rss0_set(_metadata, e, nq);
	ctx = ctx_new(_metadata, e);
	ASSERT_GT(ctx, 0U);
	fs_init(&fs[0], UDP_V4_FLOW | FLOW_RSS, 1, 4);
	fs_init(&fs[1], TCP_V4_FLOW | FLOW_RSS, 0, 8);
	fs[1].h_u.tcp_ip4_spec.pdst = htons(443);
	fs[1].m_u.tcp_ip4_spec.pdst = 0xffff;
	for (i = 0; i < ARRAY_SIZE(fs); i++)
		rule_add(_metadata, e, &fs[i], ctx);
	for (i = 0; i < 100; i++) {
		flow_random(e, &f, AF_INET, i % 2 ? IPPROTO_TCP : IPPROTO_UDP);
		if (i % 4 == 1)
			f.dport = 443;
		flow_add(_metadata, e, &f);
	}
	expect_and_check(_metadata, e);
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	ASSERT_EQ(trss_rss_get(&e->dev, ctx, &before), 0);

	for (i = 0; i < ARRAY_SIZE(fs); i++) {
		EXPECT_NE(trss_ethtool(e->out, OUT_LEN,
				       "-X trss0 context %u delete", ctx), 0);
		EXPECT_NE(strstr(e->out, "Device or resource busy"), NULL)
			TH_LOG("%s", e->out);
		EXPECT_EQ(ctx_delete(&e->dev, ctx), -EBUSY);

		ASSERT_EQ(trss_rss_get(&e->dev, ctx, &after), 0);
		EXPECT_EQ(memcmp(&before, &after, sizeof(before)), 0);
		EXPECT_EQ(trss_rule_count(&e->dev, NULL),
			  (int)(ARRAY_SIZE(fs) - i));
		ASSERT_EQ(trss_rule_get(&e->dev, fs[1].location, &got,
					&got_ctx), 0);
		EXPECT_TRUE(fs_equal(&got, &fs[1]));
		EXPECT_EQ(got_ctx, ctx);
		expect_and_check(_metadata, e);
		/* one rule less: still in use until the last goes */
		rule_remove(_metadata, e, fs[i].location);
	}
	EXPECT_EQ(ctx_delete(&e->dev, ctx), 0);
	EXPECT_EQ(trss_rss_get(&e->dev, ctx, &after), -ENOENT);
}

static int set_steering_prog(const struct trss_dev *dev, int prog)
{
	return ioctl(dev->fds[0], TUNSETSTEERINGEBPF, &prog) < 0 ? -errno : 0;
}

/* SPEC §3: rules and a steering eBPF program exclude each other */
TEST_F(rules, ebpf_and_rules_exclude_each_other)
{
	struct env *e = &self->e;
	struct ethtool_rx_flow_spec fs;
	int prog;

	prog = trss_bpf_steering_prog(1);
	ASSERT_GE(prog, 0) TH_LOG("bpf: %s", strerror(-prog));
	fs_init(&fs, UDP_V4_FLOW, 2, 0);
	ASSERT_EQ(trss_rule_ins(&e->dev, &fs, 0), 0);
	EXPECT_EQ(set_steering_prog(&e->dev, prog), -EBUSY);
	ASSERT_EQ(trss_rule_del(&e->dev, 0), 0);

	ASSERT_EQ(set_steering_prog(&e->dev, prog), 0);
	EXPECT_EQ(trss_rule_ins(&e->dev, &fs, 0), -EBUSY);
	EXPECT_EQ(trss_rule_count(&e->dev, NULL), 0);
	ASSERT_EQ(set_steering_prog(&e->dev, -1), 0);
	EXPECT_EQ(trss_rule_ins(&e->dev, &fs, 0), 0);
	close(prog);
}

/* L2 matching: taps only */

FIXTURE(l2_rules)
{
	struct env e;
};

FIXTURE_SETUP(l2_rules)
{
	env_setup(_metadata, &self->e, false, QUEUES);
}

FIXTURE_TEARDOWN(l2_rules)
{
	env_teardown(&self->e);
}

/* ether rules on non-IP frames, on IPv4 frames, and through a VLAN tag */
TEST_F(l2_rules, ether_fields)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i;
	struct rule_case rc[2];
	struct trss_flow f;

	rule_case_init(e, &rc[0], ETHER_FLOW, AF_UNSPEC, 0, ether_fields,
		       ARRAY_SIZE(ether_fields), nq - 1, 10);
	for (i = 0; i < ARRAY_SIZE(ether_fields); i++)
		fs_mask_full(&rc[0].fs, ether_fields[i].moff,
			     ether_fields[i].len);
	rule_case_init(e, &rc[1], ETHER_FLOW, AF_INET, IPPROTO_UDP,
		       ether_fields, ARRAY_SIZE(ether_fields), nq - 2, 20);
	fs_masks_random(e, &rc[1].fs, ether_fields, ARRAY_SIZE(ether_fields));
	insert_rule_cases(_metadata, e, rc, 2);
	/* the innermost ethertype counts: a tagged copy of each base */
	for (i = 0; i < 2; i++) {
		f = rc[i].base;
		f.nr_vlans = 1;
		f.vlan_tci[0] = 1 + trss_random(&e->seed) % 4094;
		flow_add(_metadata, e, &f);
	}
	check_rule_cases(_metadata, e, rc, 2, true);
	for (i = 0; i < 2; i++)
		EXPECT_EQ(e->want[i], (int)rc[i].fs.ring_cookie);
}

/*
 * FLOW_EXT: the TCI of the outermost tag, 0 for an untagged frame, under
 * its mask; with 802.1ad outside 802.1Q the inner tag does not count.
 */
TEST_F(l2_rules, vlan_tci)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i;
	struct ethtool_rx_flow_spec untagged;
	struct rule_case rc[2];
	struct trss_flow f;

	rule_case_init(e, &rc[0], UDP_V4_FLOW | FLOW_EXT, AF_INET,
		       IPPROTO_UDP, &vlan_field, 1, nq - 1, 10);
	rc[0].fs.m_ext.vlan_tci = 0xffff;
	rc[0].fs.m_u.udp_ip4_spec.pdst = 0xffff;
	rule_case_init(e, &rc[1], TCP_V6_FLOW | FLOW_EXT, AF_INET6,
		       IPPROTO_TCP, &vlan_field, 1, nq - 2, 20);
	rc[1].fs.m_ext.vlan_tci = htons(0x0fff);	/* VID only */
	rc[1].fs.m_u.tcp_ip6_spec.psrc = 0xffff;
	for (i = 0; i < 2; i++) {
		rc[i].base.nr_vlans = 1;
		rc[i].base.vlan_tci[0] = trss_random(&e->seed) | 1;
		rule_case_field(&rc[i], i ? &ip6_l4_fields[2] :
				&ip4_l4_fields[3]);
	}
	insert_rule_cases(_metadata, e, rc, 2);

	/* untagged, QinQ with the rule's tag outside, then inside */
	for (i = 0; i < 2; i++) {
		f = rc[i].base;
		f.nr_vlans = 0;
		add_case(_metadata, e, &rc[i].fs, &f, false, "untagged");
		f.nr_vlans = 2;
		f.vlan_proto[0] = ETH_P_8021AD;
		f.vlan_tci[1] = trss_random(&e->seed);
		f.vlan_tci[0] = rc[i].base.vlan_tci[0];
		add_case(_metadata, e, &rc[i].fs, &f, true, "qinq, outer");
		f.vlan_tci[1] = rc[i].base.vlan_tci[0];
		f.vlan_tci[0] = rc[i].base.vlan_tci[0] ^ 0x001;
		add_case(_metadata, e, &rc[i].fs, &f, false, "qinq, inner");
	}
	/* vlan 0 with a full mask: untagged frames only */
	fs_init(&untagged, UDP_V6_FLOW | FLOW_EXT, nq - 1, 30);
	untagged.m_ext.vlan_tci = 0xffff;
	rule_add(_metadata, e, &untagged, 0);
	for (i = 0; i < 10; i++) {
		flow_random(e, &f, AF_INET6, IPPROTO_UDP);
		add_case(_metadata, e, &untagged, &f, true, "untagged");
		f.nr_vlans = 1;
		f.vlan_tci[0] = 1 + i;
		add_case(_metadata, e, &untagged, &f, false, "tagged");
	}
	check_rule_cases(_metadata, e, rc, 2, false);
}

/*
 * A VLAN device on the tap: up, without IPv6 (whose chatter would land in
 * the tap's queues), and an AF_PACKET socket sending through it.
 */
static int vlan_dev_add(struct __test_metadata *_metadata, struct env *e,
			const char *lower, const char *name,
			const char *proto, unsigned int id, int *ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr = {};
	char path[128];
	int fd, ret;

	ret = trss_run(e->out, OUT_LEN,
		       "ip link add link %s name %s type vlan proto %s id %u",
		       lower, name, proto, id);
	EXPECT_EQ(ret, 0) TH_LOG("%s", e->out);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 name);
	trss_sysctl_write(path, "1");
	ret = trss_run(e->out, OUT_LEN, "ip link set %s up", name);
	EXPECT_EQ(ret, 0) TH_LOG("%s", e->out);

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	EXPECT_GE(fd, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	EXPECT_EQ(ioctl(fd, SIOCGIFINDEX, &ifr), 0);
	sll.sll_ifindex = ifr.ifr_ifindex;
	EXPECT_EQ(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0);
	*ifindex = ifr.ifr_ifindex;
	return fd;
}

/*
 * Frames sent through VLAN devices stacked on the tap reach tun with the
 * outer tag out of band (tun offloads VLAN insertion), the inner one, if
 * any, in the frame; the reader gets both in the frame.  FLOW_EXT
 * matches the outermost tag, wherever the stack keeps it: an 802.1Q
 * device alone (tag 30), and 802.1Q 20 on 802.1ad 10 (outer tag 10).
 */
TEST_F(l2_rules, vlan_tci_through_vlan_devices)
{
	static const struct {
		const char *name;
		__u16 outer, inner;	/* inner 0: one tag */
		unsigned int dev;	/* in sock[] */
	} via[] = { { "c30", 30, 0, 0 }, { "c20", 10, 20, 2 } };
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i, v;
	int sock[3], ifindex[3], tap_sock, tap_ifindex;
	struct ethtool_rx_flow_spec fs;
	__u8 frame[TRSS_FRAME_MAX];
	struct trss_flow f;
	bool unknown = false;
	struct trss_rx rx;

	sock[0] = vlan_dev_add(_metadata, e, "trss0", "c30", "802.1Q", 30,
			       &ifindex[0]);
	sock[1] = vlan_dev_add(_metadata, e, "trss0", "s10", "802.1ad", 10,
			       &ifindex[1]);
	sock[2] = vlan_dev_add(_metadata, e, "s10", "c20", "802.1Q", 20,
			       &ifindex[2]);
	ASSERT_NE(_metadata->exit_code, KSFT_FAIL);

	/* vlan 10 -> nq - 1, vlan 20 -> nq - 2, vlan 30 -> 1; RSS on 0 */
	rss0_set(_metadata, e, 1);
	for (i = 0; i < 3; i++) {
		fs_init(&fs, UDP_V4_FLOW | FLOW_EXT, i < 2 ? nq - 1 - i : 1,
			i);
		fs.h_ext.vlan_tci = htons(10 * (i + 1));
		fs.m_ext.vlan_tci = htons(0x0fff);
		rule_add(_metadata, e, &fs, 0);
	}

	for (i = 0; i < 40; i++) {
		flow_random(e, &f, AF_INET, IPPROTO_UDP);
		flow_add(_metadata, e, &f);
	}
	tap_sock = e->dev.tx_sock;
	tap_ifindex = e->dev.ifindex;

	/* the reader gets 802.1ad 10 outside 802.1Q 20 */
	e->dev.tx_sock = sock[2];
	e->dev.ifindex = ifindex[2];
	ASSERT_EQ(trss_send_flow(&e->dev, &f, TRSS_TAG(1, 0)), 0);
	e->dev.tx_sock = tap_sock;
	e->dev.ifindex = tap_ifindex;
	ASSERT_EQ(trss_recv_tag(&e->dev, TRSS_TAG(1, 0), &rx, frame,
				sizeof(frame), TIMEOUT_MS), 1);
	EXPECT_EQ(frame[12] << 8 | frame[13], ETH_P_8021AD);
	EXPECT_EQ((frame[14] << 8 | frame[15]) & 0xfff, 10);
	EXPECT_EQ(frame[16] << 8 | frame[17], ETH_P_8021Q);
	EXPECT_EQ((frame[18] << 8 | frame[19]) & 0xfff, 20);

	for (v = 0; v < ARRAY_SIZE(via); v++) {
		/* where each frame goes as the reader will see it: tagged */
		for (i = 0; i < e->nr_flows; i++) {
			f = e->flows[i];
			f.nr_vlans = via[v].inner ? 2 : 1;
			f.vlan_proto[0] = via[v].inner ? ETH_P_8021AD : 0;
			f.vlan_tci[0] = via[v].outer;
			f.vlan_tci[1] = via[v].inner;
			e->want[i] = ref_queue(e, &f, &unknown);
			EXPECT_EQ(e->want[i], via[v].outer == 10 ? (int)nq - 1 : 1);
		}
		TH_LOG("through %s", via[v].name);
		e->dev.tx_sock = sock[via[v].dev];
		e->dev.ifindex = ifindex[via[v].dev];
		check_flows(_metadata, e);
		e->dev.tx_sock = tap_sock;
		e->dev.ifindex = tap_ifindex;
	}
	for (i = 0; i < ARRAY_SIZE(sock); i++)
		close(sock[i]);
}

/*
 * FLOW_MAC_EXT: the destination MAC on an IP rule; on an ether rule it
 * adds to the h_dest mask (both halves compared).
 */
TEST_F(l2_rules, dst_mac_ext)
{
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i;
	struct rule_case rc[3];

	rule_case_init(e, &rc[0], IPV4_USER_FLOW | FLOW_MAC_EXT, AF_INET,
		       IPPROTO_TCP, &dst_mac_field, 1, nq - 1, 10);
	fs_mask_full(&rc[0].fs, dst_mac_field.moff, ETH_ALEN);
	rule_case_init(e, &rc[1], UDP_V6_FLOW | FLOW_MAC_EXT, AF_INET6,
		       IPPROTO_UDP, &dst_mac_field, 1, nq - 2, 20);
	fs_mask_prefix(&rc[1].fs, dst_mac_field.moff, ETH_ALEN, 24);
	rc[1].fs.m_u.udp_ip6_spec.pdst = 0xffff;
	rule_case_field(&rc[1], &ip6_l4_fields[3]);
	/* ether h_dest on the first half, FLOW_MAC_EXT on the second */
	rule_case_init(e, &rc[2], ETHER_FLOW | FLOW_MAC_EXT, AF_UNSPEC, 0,
		       &dst_mac_field, 1, nq - 2, 30);
	fs_mask_prefix(&rc[2].fs, M_U(ether_spec.h_dest), ETH_ALEN, 24);
	for (i = 3; i < ETH_ALEN; i++)
		rc[2].fs.m_ext.h_dest[i] = 0xff;
	rule_case_field(&rc[2], &ether_fields[0]);
	insert_rule_cases(_metadata, e, rc, 3);
	check_rule_cases(_metadata, e, rc, 3, false);
}

/* The rule table: locations, listing, bad input */

FIXTURE(rule_table)
{
	struct env e;
};

FIXTURE_SETUP(rule_table)
{
	env_setup(_metadata, &self->e, false, QUEUES);
}

FIXTURE_TEARDOWN(rule_table)
{
	env_teardown(&self->e);
}

static int ins_at(struct env *e, __u32 loc, __u16 port)
{
	struct ethtool_rx_flow_spec fs;
	int err;

	fs_init(&fs, UDP_V4_FLOW, port % e->dev.nr_queues, loc);
	fs.h_u.udp_ip4_spec.pdst = htons(port);
	fs.m_u.udp_ip4_spec.pdst = 0xffff;
	err = trss_rule_ins(&e->dev, &fs, 0);
	return err ? err : (int)fs.location;
}

/*
 * RX_CLS_LOC_ANY and RX_CLS_LOC_FIRST take the lowest free location,
 * RX_CLS_LOC_LAST the highest; GRXCLSRLCNT announces 4096 locations and
 * special-location support; GRXCLSRLALL lists them in order.
 */
TEST_F(rule_table, special_locations)
{
	static const __u32 want[] = { 0, 1, 2, 3, 4, 5, 4094, 4095 };
	struct env *e = &self->e;
	__u32 data, locs[16];
	unsigned int i;

	ASSERT_EQ(trss_rule_count(&e->dev, &data), 0);
	EXPECT_EQ(data, TABLE_SIZE | RX_CLS_LOC_SPECIAL);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_ANY, 1), 0);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_FIRST, 2), 1);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_LAST, 3), 4095);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_LAST, 4), 4094);
	EXPECT_EQ(ins_at(e, 2, 5), 2);
	EXPECT_EQ(ins_at(e, 4, 6), 4);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_FIRST, 7), 3);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_ANY, 8), 5);
	ASSERT_EQ(trss_rule_del(&e->dev, 1), 0);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_ANY, 9), 1);
	ASSERT_EQ(trss_rule_del(&e->dev, 4095), 0);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_LAST, 10), 4095);

	ASSERT_EQ(trss_rule_count(&e->dev, &data), (int)ARRAY_SIZE(want));
	ASSERT_EQ(trss_rule_all(&e->dev, locs, ARRAY_SIZE(locs)),
		  (int)ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		EXPECT_EQ(locs[i], want[i]);

	/* stock ethtool without "loc" lets the kernel choose */
	ASSERT_EQ(trss_ethtool(e->out, OUT_LEN,
			       "-N trss0 flow-type udp4 dst-port 11 action 1"),
		  0) TH_LOG("%s", e->out);
	EXPECT_NE(strstr(e->out, "Added rule with ID 6"), NULL)
		TH_LOG("%s", e->out);
}

/*
 * All 4096 locations taken: ENOSPC for every special location.  An
 * insertion changes the classifier in place, at a cost that does not grow
 * with the rules installed: the last eighth of the table fills in about
 * the time of the first (when each insertion rebuilt the classifier, 15
 * times longer).  The timeout leaves room for a slow, shared host.
 */
TEST_F_TIMEOUT(rule_table, full_table_is_enospc, 150)
{
	struct env *e = &self->e;
	double first = 0, last = 0;
	struct timespec t0;
	unsigned int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < TABLE_SIZE; i++) {
		ASSERT_EQ(ins_at(e, RX_CLS_LOC_ANY, 1 + i), (int)i);
		if (i == TABLE_SIZE / 8 - 1)
			first = ms_since(&t0);
		if (i == TABLE_SIZE - TABLE_SIZE / 8 - 1)
			last = ms_since(&t0);
	}
	last = ms_since(&t0) - last;
	TH_LOG("%u rules inserted in %.0f ms; the first %u took %.0f ms, the last %u %.0f ms",
	       TABLE_SIZE, ms_since(&t0), TABLE_SIZE / 8, first,
	       TABLE_SIZE / 8, last);

	EXPECT_LT(last, 4 * first + 100);

	EXPECT_EQ(ins_at(e, RX_CLS_LOC_ANY, 1), -ENOSPC);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_FIRST, 1), -ENOSPC);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_LAST, 1), -ENOSPC);
	EXPECT_EQ(ins_at(e, TABLE_SIZE - 1, 1), -EEXIST);
	EXPECT_EQ(trss_rule_count(&e->dev, NULL), TABLE_SIZE);

	ASSERT_EQ(trss_rule_del(&e->dev, 2000), 0);
	ASSERT_EQ(trss_rule_del(&e->dev, 100), 0);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_LAST, 1), 2000);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_LAST, 1), 100);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_FIRST, 1), -ENOSPC);
	ASSERT_EQ(trss_rule_del(&e->dev, 0), 0);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_FIRST, 1), 0);
}

/* A udp4 rule at @loc on 10.0.0.0 whose source mask lacks bit @bit */
static int ins_src_mask(struct env *e, __u32 loc, unsigned int bit)
{
	struct ethtool_rx_flow_spec fs;

	fs_init(&fs, UDP_V4_FLOW, 1, loc);
	fs.m_u.udp_ip4_spec.ip4src = htonl(~(1U << bit));
	fs.h_u.udp_ip4_spec.ip4src = htonl(0x0a000000 & ~(1U << bit));
	return trss_rule_ins(&e->dev, &fs, 0);
}

/*
 * 32 distinct masks (TUN_RSS_MAX_MASKS) and no more: the 33rd is ENOSPC
 * with the rules unchanged, a mask in use still takes rules, and deleting
 * the last rule of a mask frees its group.
 */
TEST_F(rule_table, mask_groups_bounded)
{
	__u32 locs[MASK_GROUPS + 2], after[MASK_GROUPS + 2];
	struct env *e = &self->e;
	unsigned int i;

	for (i = 0; i < MASK_GROUPS; i++)
		ASSERT_EQ(ins_src_mask(e, 100 + i, i), 0);
	ASSERT_EQ(trss_rule_all(&e->dev, locs, ARRAY_SIZE(locs)),
		  MASK_GROUPS);

	/* The 33rd mask, at a free location, special or not */
	EXPECT_EQ(ins_at(e, 7, 53), -ENOSPC);
	EXPECT_EQ(ins_at(e, RX_CLS_LOC_ANY, 53), -ENOSPC);
	ASSERT_EQ(trss_rule_all(&e->dev, after, ARRAY_SIZE(after)),
		  MASK_GROUPS);
	EXPECT_EQ(memcmp(locs, after, MASK_GROUPS * sizeof(locs[0])), 0);

	/* Masks in use take more rules */
	EXPECT_EQ(ins_src_mask(e, 200, 0), 0);
	EXPECT_EQ(ins_src_mask(e, 201, MASK_GROUPS - 1), 0);

	/* Bit 5's group goes with its only rule; bit 0's stays */
	ASSERT_EQ(trss_rule_del(&e->dev, 100), 0);
	EXPECT_EQ(ins_at(e, 7, 53), -ENOSPC);
	ASSERT_EQ(trss_rule_del(&e->dev, 105), 0);
	EXPECT_EQ(ins_at(e, 7, 53), 7);
	EXPECT_EQ(ins_src_mask(e, 105, 5), -ENOSPC);
	EXPECT_EQ(trss_rule_count(&e->dev, NULL), MASK_GROUPS + 1);
}

/*
 * Stock ethtool: "-N" with every field of each flow type reaches the
 * kernel as the flow spec the test expects (ethtool's masks inverted,
 * unset fields not compared), and "-n" lists every field back.
 */
struct cli_case {
	const char *match;	/* "flow-type" and the fields */
	const char *action;	/* the rest; %u: an RSS context */
	const char *lines[8];
};

static const struct cli_case cli_cases[] = {
	{ "flow-type tcp4 src-ip 10.1.2.3 m 0.0.0.255 dst-ip 10.200.0.9",
	  "src-port 1000 dst-port 80 m 0xf tos 0x10 m 0x3 action 3 loc 10",
	  { "Rule Type: TCP over IPv4",
	    "Src IP addr: 10.1.2.3 mask: 0.0.0.255",
	    "Dest IP addr: 10.200.0.9 mask: 0.0.0.0",
	    "TOS: 0x10 mask: 0x3",
	    "Src port: 1000 mask: 0x0", "Dest port: 80 mask: 0xf",
	    "Action: Direct to queue 3" } },
	{ "flow-type udp4 dst-port 53 vlan 0x123 m 0xf000",
	  "dst-mac 02:00:00:00:00:09 action 1 loc 11",
	  { "Rule Type: UDP over IPv4", "Dest port: 53 mask: 0x0",
	    "VLAN: 0x123 mask: 0xf000",
	    /* ethtool 6.1 prints this mask as the kernel holds it */
	    "Dest MAC addr: 02:00:00:00:00:09 mask: FF:FF:FF:FF:FF:FF",
	    "Action: Direct to queue 1" } },
	{ "flow-type sctp4 src-ip 192.0.2.1 src-port 9", "action 0 loc 12",
	  { "Rule Type: SCTP over IPv4",
	    "Src IP addr: 192.0.2.1 mask: 0.0.0.0",
	    "Src port: 9 mask: 0x0", "Action: Direct to queue 0" } },
	{ "flow-type ip4 src-ip 198.51.100.7 l4proto 50 l4data 0x54525353",
	  "tos 8 action -1 loc 13",
	  { "Rule Type: Raw IPv4",
	    "Src IP addr: 198.51.100.7 mask: 0.0.0.0",
	    "TOS: 0x8 mask: 0x0", "Protocol: 50 mask: 0x0",
	    "L4 bytes: 0x54525353 mask: 0x0", "Action: Drop" } },
	{ "flow-type tcp6 src-ip fd00::1 dst-ip fd00:d57::5 m ::ffff",
	  "dst-port 443 tclass 0x20 action 2 loc 14",
	  { "Rule Type: TCP over IPv6", "Src IP addr: fd00::1 mask: ::",
	    "Dest IP addr: fd00:d57::5 mask: ::ffff",
	    "Traffic Class: 0x20 mask: 0x0", "Dest port: 443 mask: 0x0",
	    "Action: Direct to queue 2" } },
	{ "flow-type udp6 dst-port 4789", "context %u action 1 loc 15",
	  { "Rule Type: UDP over IPv6", "Dest port: 4789 mask: 0x0",
	    "RSS Context ID: %u", "Action: Direct to queue 1" } },
	{ "flow-type sctp6 dst-ip fd00::2", "action 0 loc 16",
	  { "Rule Type: SCTP over IPv6", "Dest IP addr: fd00::2 mask: ::",
	    "Action: Direct to queue 0" } },
	{ "flow-type ip6 src-ip fd00:5ee::1 m ::ff l4proto 17",
	  "l4data 0x12345678 m 0xffff tclass 3 action 1 loc 17",
	  { "Rule Type: Raw IPv6", "Src IP addr: fd00:5ee::1 mask: ::ff",
	    "Traffic Class: 0x3 mask: 0x0", "Protocol: 17 mask: 0x0",
	    "L4 bytes: 0x12345678 mask: 0xffff",
	    "Action: Direct to queue 1" } },
	{ "flow-type ether dst 02:00:00:00:00:02 src 02:00:00:00:00:01",
	  "m 00:00:00:ff:ff:ff proto 0x88b5 vlan 0x5 action 2 loc 18",
	  { "Flow Type: Raw Ethernet",
	    "Src MAC addr: 02:00:00:00:00:01 mask: 00:00:00:FF:FF:FF",
	    "Dest MAC addr: 02:00:00:00:00:02 mask: 00:00:00:00:00:00",
	    "Ethertype: 0x88B5 mask: 0x0", "VLAN: 0x5 mask: 0x0",
	    "Action: Direct to queue 2" } },
};

static void put_ip4(__be32 *p, const char *s)
{
	inet_pton(AF_INET, s, p);
}

static void put_ip6(__be32 *p, const char *s)
{
	inet_pton(AF_INET6, s, p);
}

/* 02:00:00:00:00:<last> */
static void put_mac(__u8 *p, __u8 last)
{
	static const __u8 mac[ETH_ALEN] = { 2 };

	memcpy(p, mac, ETH_ALEN);
	p[ETH_ALEN - 1] = last;
}

/* The flow spec of cli_cases[i], kernel convention */
static void cli_expected(unsigned int i, struct ethtool_rx_flow_spec *fs)
{
	struct ethtool_tcpip4_spec *h4 = &fs->h_u.tcp_ip4_spec;
	struct ethtool_tcpip4_spec *m4 = &fs->m_u.tcp_ip4_spec;
	struct ethtool_usrip4_spec *hu4 = &fs->h_u.usr_ip4_spec;
	struct ethtool_usrip4_spec *mu4 = &fs->m_u.usr_ip4_spec;
	struct ethtool_tcpip6_spec *h6 = &fs->h_u.tcp_ip6_spec;
	struct ethtool_tcpip6_spec *m6 = &fs->m_u.tcp_ip6_spec;
	struct ethtool_usrip6_spec *hu6 = &fs->h_u.usr_ip6_spec;
	struct ethtool_usrip6_spec *mu6 = &fs->m_u.usr_ip6_spec;
	struct ethhdr *he = &fs->h_u.ether_spec, *me = &fs->m_u.ether_spec;

	memset(fs, 0, sizeof(*fs));
	fs->location = 10 + i;
	switch (i) {
	case 0:
		fs->flow_type = TCP_V4_FLOW;
		put_ip4(&h4->ip4src, "10.1.2.3");
		put_ip4(&m4->ip4src, "255.255.255.0");
		put_ip4(&h4->ip4dst, "10.200.0.9");
		m4->ip4dst = ~0U;
		h4->psrc = htons(1000);
		m4->psrc = 0xffff;
		h4->pdst = htons(80);
		m4->pdst = htons(0xfff0);
		h4->tos = 0x10;
		m4->tos = 0xfc;
		fs->ring_cookie = 3;
		break;
	case 1:
		fs->flow_type = UDP_V4_FLOW | FLOW_EXT | FLOW_MAC_EXT;
		h4->pdst = htons(53);
		m4->pdst = 0xffff;
		fs->h_ext.vlan_tci = htons(0x123);
		fs->m_ext.vlan_tci = htons(0x0fff);
		put_mac(fs->h_ext.h_dest, 9);
		memset(fs->m_ext.h_dest, 0xff, ETH_ALEN);
		fs->ring_cookie = 1;
		break;
	case 2:
		fs->flow_type = SCTP_V4_FLOW;
		put_ip4(&h4->ip4src, "192.0.2.1");
		m4->ip4src = ~0U;
		h4->psrc = htons(9);
		m4->psrc = 0xffff;
		break;
	case 3:
		fs->flow_type = IPV4_USER_FLOW;
		put_ip4(&hu4->ip4src, "198.51.100.7");
		mu4->ip4src = ~0U;
		hu4->proto = IPPROTO_ESP;
		mu4->proto = 0xff;
		hu4->l4_4_bytes = htonl(0x54525353);
		mu4->l4_4_bytes = ~0U;
		hu4->tos = 8;
		mu4->tos = 0xff;
		hu4->ip_ver = ETH_RX_NFC_IP4;
		fs->ring_cookie = RX_CLS_FLOW_DISC;
		break;
	case 4:
		fs->flow_type = TCP_V6_FLOW;
		put_ip6(h6->ip6src, "fd00::1");
		memset(m6->ip6src, 0xff, 16);
		put_ip6(h6->ip6dst, "fd00:d57::5");
		put_ip6(m6->ip6dst, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:0");
		h6->pdst = htons(443);
		m6->pdst = 0xffff;
		h6->tclass = 0x20;
		m6->tclass = 0xff;
		fs->ring_cookie = 2;
		break;
	case 5:
		fs->flow_type = UDP_V6_FLOW | FLOW_RSS;
		h6->pdst = htons(4789);
		m6->pdst = 0xffff;
		fs->ring_cookie = 1;
		break;
	case 6:
		fs->flow_type = SCTP_V6_FLOW;
		put_ip6(h6->ip6dst, "fd00::2");
		memset(m6->ip6dst, 0xff, 16);
		break;
	case 7:
		fs->flow_type = IPV6_USER_FLOW;
		put_ip6(hu6->ip6src, "fd00:5ee::1");
		put_ip6(mu6->ip6src, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00");
		hu6->l4_proto = IPPROTO_UDP;
		mu6->l4_proto = 0xff;
		hu6->l4_4_bytes = htonl(0x12345678);
		mu6->l4_4_bytes = htonl(0xffff0000);
		hu6->tclass = 3;
		mu6->tclass = 0xff;
		fs->ring_cookie = 1;
		break;
	case 8:
		fs->flow_type = ETHER_FLOW | FLOW_EXT;
		put_mac(he->h_dest, 2);
		memset(me->h_dest, 0xff, ETH_ALEN);
		put_mac(he->h_source, 1);
		memset(me->h_source, 0xff, 3);
		he->h_proto = htons(ETH_P_802_EX1);
		me->h_proto = 0xffff;
		fs->h_ext.vlan_tci = htons(5);
		fs->m_ext.vlan_tci = 0xffff;
		fs->ring_cookie = 2;
		break;
	}
}

TEST_F(rule_table, ethtool_cli_round_trips_every_field)
{
	struct ethtool_rx_flow_spec want, got;
	struct env *e = &self->e;
	char action[128], line[128];
	unsigned int i, j;
	__u32 ctx, got_ctx;

	ctx = ctx_new(_metadata, e);
	ASSERT_GT(ctx, 0U);
	for (i = 0; i < ARRAY_SIZE(cli_cases); i++) {
		const struct cli_case *c = &cli_cases[i];

		snprintf(action, sizeof(action), c->action, ctx);
		ASSERT_EQ(trss_ethtool(e->out, OUT_LEN, "-N trss0 %s %s",
				       c->match, action), 0)
			TH_LOG("%s %s: %s", c->match, action, e->out);
		cli_expected(i, &want);
		ASSERT_EQ(trss_rule_get(&e->dev, want.location, &got, &got_ctx),
			  0);
		EXPECT_TRUE(fs_equal(&got, &want))
			TH_LOG("%s %s: the kernel holds another spec", c->match,
			       action);
		if (want.flow_type & FLOW_RSS)
			EXPECT_EQ(got_ctx, ctx);

		ASSERT_EQ(trss_ethtool(e->out, OUT_LEN, "-n trss0 rule %u",
				       want.location), 0)
			TH_LOG("%s", e->out);
		for (j = 0; j < ARRAY_SIZE(c->lines) && c->lines[j]; j++) {
			snprintf(line, sizeof(line), c->lines[j], ctx);
			EXPECT_NE(strstr(e->out, line), NULL)
				TH_LOG("no \"%s\" in:\n%s", line, e->out);
		}
	}
	ASSERT_EQ(trss_ethtool(e->out, OUT_LEN, "-n trss0"), 0);
	snprintf(line, sizeof(line), "Total %zu rules", ARRAY_SIZE(cli_cases));
	EXPECT_NE(strstr(e->out, line), NULL) TH_LOG("%s", e->out);
}

/* Everything about the rule table the kernel reports */
struct table_snapshot {
	int count;
	__u32 data;
	__u32 locs[8];
	struct ethtool_rx_flow_spec fs[8];
	__u32 ctx[8];
};

static void snapshot(struct __test_metadata *_metadata, struct env *e,
		     struct table_snapshot *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->count = trss_rule_count(&e->dev, &s->data);
	ASSERT_GE(s->count, 0);
	ASSERT_LE(s->count, 8);
	ASSERT_EQ(trss_rule_all(&e->dev, s->locs, 8), s->count);
	for (i = 0; i < s->count; i++)
		ASSERT_EQ(trss_rule_get(&e->dev, s->locs[i], &s->fs[i],
					&s->ctx[i]), 0);
}

static bool snapshot_equal(const struct table_snapshot *a,
			   const struct table_snapshot *b)
{
	int i;

	if (a->count != b->count || a->data != b->data)
		return false;
	for (i = 0; i < a->count; i++)
		if (a->locs[i] != b->locs[i] || a->ctx[i] != b->ctx[i] ||
		    !fs_equal(&a->fs[i], &b->fs[i]))
			return false;
	return true;
}

/*
 * Case i of the refused insertions: a valid rule with one thing wrong,
 * and the errno tun_rss_rule_insert() documents for it.  NULL past the
 * last case.
 */
static const char *bad_rule(unsigned int i, unsigned int nq, __u32 ctx,
			    struct ethtool_rx_flow_spec *fs,
			    __u32 *rss_context, int *err)
{
	static const __u32 unsupported_types[] = {
		AH_ESP_V4_FLOW, AH_V4_FLOW, ESP_V4_FLOW, AH_ESP_V6_FLOW,
		AH_V6_FLOW, ESP_V6_FLOW, IPV4_FLOW, IPV6_FLOW, 0,
		ETHER_FLOW + 1, 0x100 | TCP_V4_FLOW,
	};
	const unsigned int first_type = 26;

	fs_init(fs, TCP_V4_FLOW, 0, 50);
	fs->h_u.tcp_ip4_spec.pdst = htons(80);
	fs->m_u.tcp_ip4_spec.pdst = 0xffff;
	*rss_context = 0;
	*err = -EINVAL;

	if (i >= first_type) {
		if (i - first_type >= ARRAY_SIZE(unsupported_types))
			return NULL;
		fs->flow_type = unsupported_types[i - first_type];
		return "unsupported flow type";
	}
	switch (i) {
	case 0:
		fs->location = TABLE_SIZE;
		return "location 4096";
	case 1:
		fs->location = 0x7fffffff;
		return "location 0x7fffffff";
	case 2:
		fs->location = RX_CLS_LOC_SPECIAL;
		return "unknown special location";
	case 3:
		fs->location = RX_CLS_LOC_SPECIAL | 5;
		return "unknown special location 5";
	case 4:
		fs->location = 5;
		*err = -EEXIST;
		return "location in use";
	case 5:
		fs->ring_cookie = nq;
		return "queue past the attached ones";
	case 6:
		fs->ring_cookie = 255;
		return "queue 255";
	case 7:
		fs->flow_type |= FLOW_RSS;
		*rss_context = ctx;
		fs->ring_cookie = nq;
		return "context offset past the queues";
	case 8:
		fs->flow_type |= FLOW_RSS;
		*rss_context = ctx + 1;
		*err = -ENOENT;
		return "unknown context";
	case 9:
		fs->flow_type |= FLOW_RSS;
		*rss_context = MAX_CTX;
		*err = -ENOENT;
		return "context 64";
	case 10:
		fs->flow_type |= FLOW_RSS;
		*rss_context = ETH_RXFH_CONTEXT_ALLOC;
		*err = -ENOENT;
		return "context ETH_RXFH_CONTEXT_ALLOC";
	case 11:
		fs->flow_type |= FLOW_RSS;
		*rss_context = ctx;
		fs->ring_cookie = RX_CLS_FLOW_DISC;
		return "drop with FLOW_RSS";
	case 12:
		fs->ring_cookie = RX_CLS_FLOW_WAKE;
		return "wake-on-LAN";
	case 13:
		fs->ring_cookie = 1ULL << ETHTOOL_RX_FLOW_SPEC_RING_VF_OFF;
		return "a VF";
	case 14:
		fs->ring_cookie = 1ULL << 40;
		return "cookie bits above the VF";
	case 15:
		/* the byte after the last field, a u8 in each spec here */
		fs->m_u.hdata[offsetof(struct ethtool_tcpip4_spec, tos) + 1] = 1;
		return "tcp4 mask past tos";
	case 16:
		fs_init(fs, IPV4_USER_FLOW, 0, 50);
		fs->m_u.hdata[offsetof(struct ethtool_usrip4_spec, proto) + 1] = 1;
		return "ip4 mask past proto";
	case 17:
		fs_init(fs, IPV4_USER_FLOW, 0, 50);
		fs->h_u.usr_ip4_spec.ip_ver = 0;
		return "ip4 ip_ver 0";
	case 18:
		fs_init(fs, IPV4_USER_FLOW, 0, 50);
		fs->m_u.usr_ip4_spec.ip_ver = 0xff;
		return "ip4 ip_ver mask";
	case 19:
		fs_init(fs, TCP_V6_FLOW, 0, 50);
		fs->m_u.hdata[offsetof(struct ethtool_tcpip6_spec, tclass) + 1] = 1;
		return "tcp6 mask past tclass";
	case 20:
		fs_init(fs, IPV6_USER_FLOW, 0, 50);
		fs->m_u.hdata[offsetof(struct ethtool_usrip6_spec, l4_proto) + 1] = 1;
		return "ip6 mask past l4_proto";
	case 21:
		fs_init(fs, ETHER_FLOW, 0, 50);
		fs->m_u.hdata[ETH_HLEN] = 1;
		return "ether mask past h_proto";
	case 22:
		fs->flow_type |= FLOW_EXT;
		fs->m_ext.vlan_etype = 0xffff;
		return "vlan-etype mask";
	case 23:
		fs->flow_type |= FLOW_EXT;
		fs->m_ext.data[0] = 1;
		return "user-def mask (high word)";
	case 24:
		fs->flow_type |= FLOW_EXT;
		fs->m_ext.data[1] = 1;
		return "user-def mask (low word)";
	case 25:
		fs_init(fs, ETHER_FLOW | FLOW_MAC_EXT, 0, 50);
		memset(fs->h_u.ether_spec.h_dest, 0x02, ETH_ALEN);
		memset(fs->m_u.ether_spec.h_dest, 0xff, ETH_ALEN);
		memset(fs->h_ext.h_dest, 0x04, ETH_ALEN);
		memset(fs->m_ext.h_dest, 0xff, ETH_ALEN);
		return "dst-mac contradicting the ether dst";
	}
	return NULL;
}

/*
 * SPEC §7: each refused request gets its errno and leaves the rule table
 * as it was (count, locations, every rule read back byte for byte), and
 * the rules keep steering.
 */
TEST_F(rule_table, bad_input_changes_nothing)
{
	struct table_snapshot before, after;
	struct env *e = &self->e;
	unsigned int nq = e->dev.nr_queues, i, n = 0;
	struct ethtool_rx_flow_spec fs;
	struct ethtool_rxnfc nfc;
	struct trss_flow f;
	const char *what;
	__u32 ctx, rss_context, locs[8];
	int err;

	rss0_set(_metadata, e, nq - 2);
	ctx = ctx_new(_metadata, e);
	ASSERT_GT(ctx, 0U);
	fs_init(&fs, TCP_V4_FLOW, nq - 1, 5);
	fs.h_u.tcp_ip4_spec.pdst = htons(22);
	fs.m_u.tcp_ip4_spec.pdst = 0xffff;
	rule_add(_metadata, e, &fs, 0);
	fs_init(&fs, UDP_V6_FLOW | FLOW_RSS, 1, 6);
	rule_add(_metadata, e, &fs, ctx);
	fs_init(&fs, ETHER_FLOW, RX_CLS_FLOW_DISC, 100);
	fs.h_u.ether_spec.h_proto = htons(ETH_P_802_EX1);
	fs.m_u.ether_spec.h_proto = 0xffff;
	rule_add(_metadata, e, &fs, 0);
	snapshot(_metadata, e, &before);
	ASSERT_EQ(before.count, 3);

	for (i = 0; (what = bad_rule(i, nq, ctx, &fs, &rss_context, &err));
	     i++) {
		n++;
		EXPECT_EQ(trss_rule_ins(&e->dev, &fs, rss_context), err)
			TH_LOG("%s (type %#x loc %#x cookie %#llx)", what,
			       fs.flow_type, fs.location,
			       (unsigned long long)fs.ring_cookie);
		snapshot(_metadata, e, &after);
		EXPECT_TRUE(snapshot_equal(&before, &after))
			TH_LOG("%s changed the rule table", what);
	}
	TH_LOG("%u refused insertions", n);

	/* deleting or reading what is not there */
	EXPECT_EQ(trss_rule_del(&e->dev, 7), -ENOENT);
	EXPECT_EQ(trss_rule_del(&e->dev, TABLE_SIZE), -ENOENT);
	EXPECT_EQ(trss_rule_del(&e->dev, RX_CLS_LOC_ANY), -ENOENT);
	EXPECT_EQ(trss_rule_get(&e->dev, 7, &fs, NULL), -ENOENT);
	EXPECT_EQ(trss_rule_all(&e->dev, locs, 2), -EMSGSIZE);
	memset(&nfc, 0, sizeof(nfc));
	nfc.cmd = ETHTOOL_GRXCLSRLALL;
	EXPECT_EQ(trss_ethtool_ioctl(&e->dev, &nfc), -EMSGSIZE);
	/* the context is in use */
	EXPECT_EQ(ctx_delete(&e->dev, ctx), -EBUSY);
	snapshot(_metadata, e, &after);
	EXPECT_TRUE(snapshot_equal(&before, &after));

	for (i = 0; i < 100; i++) {
		flow_random(e, &f, i % 3 ? AF_INET6 : AF_INET,
			    i % 2 ? IPPROTO_TCP : IPPROTO_UDP);
		if (i % 5 == 0)
			f.dport = 22;
		if (i % 7 == 0) {
			f.family = AF_UNSPEC;
			f.ethertype = ETH_P_802_EX1;
		}
		flow_add(_metadata, e, &f);
	}
	ref_expect(_metadata, e);
	EXPECT_GT(check_flows(_metadata, e), 0U);
}

TEST_HARNESS_MAIN

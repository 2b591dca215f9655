/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reader of data/toeplitz-ms-vectors.tsv.  Plain libc (it needs
 * inet_pton()), kept apart from the files built against the kernel shim.
 */
#ifndef _TUN_RSS_TSV_H
#define _TUN_RSS_TSV_H

#include <stddef.h>
#include <stdint.h>

#define TSV_KEY_SIZE	40
#define TSV_MAX_ROWS	64

struct tsv_row {
	int l3;			/* 4 or 6 */
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t hash_ip;
	uint32_t hash_l4;
};

struct tsv_file {
	uint8_t key[TSV_KEY_SIZE];
	struct tsv_row row[TSV_MAX_ROWS];
	unsigned int nrows;
};

/* Returns 0, or -1 with a reason in @err. */
int tsv_load(const char *path, struct tsv_file *tf, char *err, size_t errlen);

#endif

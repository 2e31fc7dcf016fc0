/* HMAC-SHA256 with the key's inner and outer states computed once, so one short message costs two
 * block compressions. Uses the CPU's SHA extensions when it has them. */
#ifndef KLARSYN_HMAC_SHA256_H
#define KLARSYN_HMAC_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t inner[8];
	uint32_t outer[8];
} hmac_sha256_key;

/* Picks the compression function once; `portable` forces the plain C one (tests compare both). */
void sha256_select(int portable);
/* 1 when the SHA-extension compression is in use. */
int sha256_accelerated(void);

/* Keys longer than 64 bytes are hashed first, as RFC 2104 says. */
void hmac_sha256_init(hmac_sha256_key *key, const uint8_t *secret, size_t length);
/* HMAC of prefix || message; writes the first `out_length` (≤ 32) bytes of the tag. */
void hmac_sha256(const hmac_sha256_key *key, const uint8_t *prefix, size_t prefix_length, const uint8_t *message,
                 size_t message_length, uint8_t *out, size_t out_length);

/* The first 16 bytes of the HMACs of prefix || message for four messages at once, which a CPU with
 * SHA extensions computes in little more than the time of two (measured: 26-30 ns a compression
 * against 32-35 two at a time and 52-56 alone). Prefix and message together must fit one block
 * (at most 55 bytes), as a tag and a CPR number do. */
#define HMAC_SHORT_LANES 4
#define HMAC_SHORT_OUT 16
#define HMAC_SHORT_MAX 55
void hmac_sha256_short_lanes(const hmac_sha256_key *key, const uint8_t *prefix, size_t prefix_length,
                             const uint8_t *const message[HMAC_SHORT_LANES],
                             const size_t message_length[HMAC_SHORT_LANES],
                             uint8_t out[HMAC_SHORT_LANES][HMAC_SHORT_OUT]);

#endif

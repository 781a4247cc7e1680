/* ids.h: ULIDs, 64-character nanoid tokens and secrets, discriminators.
 *
 * Randomness comes from the OS CSPRNG (getrandom) unless ids_seed() was called,
 * in which case a deterministic generator and a virtual clock are used so that two
 * runs with the same seed and the same requests answer byte for byte the same.
 * Not thread-safe: callers hold the server lock (every request is serialised). */
#ifndef STOAT_IDS_H
#define STOAT_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ULID_LEN 26
#define TOKEN_LEN 64

/* REAL: nanoid 0.4 default alphabet (bots/model.rs nanoid!(64)). */
extern const char ids_token_alphabet[65];

void ids_seed(uint64_t seed);
bool ids_seeded(void);

/* The generator's whole state (seeded or not, its numbers, the virtual clock): a
 * snapshot ids_restore puts back, so that what follows draws what followed the
 * snapshot (POST /_mock/reset: what follows start-up). Without a seed there is no
 * state to keep: the CSPRNG is never repeated. */
struct ids_state {
	bool seeded;
	uint64_t state[4];
	int64_t virtual_ms;
};
void ids_save(struct ids_state *out);
void ids_restore(const struct ids_state *in);
/* Back to the OS CSPRNG and the real clock (tests). */
void ids_unseed(void);

/* Milliseconds since the Unix epoch: the real clock, or the virtual one when seeded
 * (a fixed start that advances one millisecond per call). */
int64_t ids_now_ms(void);

/* out must hold ULID_LEN + 1 bytes. */
void ids_new_ulid(char *out);
/* out must hold TOKEN_LEN + 1 bytes. */
void ids_new_token(char *out);
/* Uniform in [0, n). */
uint32_t ids_uniform(uint32_t n);
void ids_random_bytes(void *buf, size_t n);

/* Crockford base32 ULID check; *ms receives the timestamp part. */
bool ids_parse_ulid(const char *s, int64_t *ms);

#endif

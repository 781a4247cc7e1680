/* ids.c: identifiers and secrets as the real server makes them.
 * REAL: ulid 1.2.1 Ulid::new() (48-bit ms time + 80 random bits, Crockford base32,
 * upper case); nanoid 0.4 nanoid!(64) with the default 64-symbol alphabet. */
#include "ids.h"

#include <stddef.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

const char ids_token_alphabet[65] = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* 2026-01-01T00:00:00Z: where the virtual clock of a seeded run starts. */
#define SEEDED_EPOCH_MS 1767225600000LL

static bool seeded;
static uint64_t state[4];
static int64_t virtual_ms;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256**: the deterministic generator of seeded runs (not for secrets that
 * matter; a seeded run is a test fixture by definition). */
static uint64_t next64(void)
{
	uint64_t r = rotl(state[1] * 5, 7) * 9, t = state[1] << 17;
	state[2] ^= state[0];
	state[3] ^= state[1];
	state[1] ^= state[2];
	state[0] ^= state[3];
	state[2] ^= t;
	state[3] = rotl(state[3], 45);
	return r;
}

void ids_seed(uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		state[i] = splitmix64(&x);
	seeded = true;
	virtual_ms = SEEDED_EPOCH_MS;
}

bool ids_seeded(void) { return seeded; }

void ids_save(struct ids_state *out)
{
	out->seeded = seeded;
	memcpy(out->state, state, sizeof(state));
	out->virtual_ms = virtual_ms;
}

void ids_restore(const struct ids_state *in)
{
	seeded = in->seeded;
	memcpy(state, in->state, sizeof(state));
	virtual_ms = in->virtual_ms;
}
void ids_unseed(void) { seeded = false; }

void ids_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	if (seeded) {
		while (n) {
			uint64_t r = next64();
			size_t k = n < 8 ? n : 8;
			memcpy(p, &r, k);
			p += k;
			n -= k;
		}
		return;
	}
	while (n) {
		ssize_t got = getrandom(p, n, 0);
		if (got <= 0)
			continue; /* EINTR; getrandom does not fail otherwise once seeded */
		p += got;
		n -= (size_t)got;
	}
}

int64_t ids_now_ms(void)
{
	if (seeded)
		return virtual_ms++;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint32_t ids_uniform(uint32_t n)
{
	/* rejection sampling: no modulo bias */
	uint32_t lim = UINT32_MAX - UINT32_MAX % n, r;
	do
		ids_random_bytes(&r, sizeof(r));
	while (r >= lim);
	return r % n;
}

void ids_new_ulid(char *out)
{
	uint64_t ms = (uint64_t)ids_now_ms();
	unsigned char rnd[10];
	ids_random_bytes(rnd, sizeof(rnd));
	/* 128 bits: 48 time + 80 random, written as 26 base32 digits (first one 3 bits) */
	unsigned char b[16];
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	memcpy(b + 6, rnd, 10);
	for (int i = 0; i < ULID_LEN; i++) {
		int bit = 128 - 5 * (ULID_LEN - i); /* may be negative for the first digit */
		unsigned v = 0;
		for (int k = 0; k < 5; k++) {
			int pos = bit + k;
			v <<= 1;
			if (pos >= 0)
				v |= (b[pos / 8] >> (7 - pos % 8)) & 1;
		}
		out[i] = crockford[v];
	}
	out[ULID_LEN] = 0;
}

void ids_new_token(char *out)
{
	unsigned char rnd[TOKEN_LEN];
	ids_random_bytes(rnd, sizeof(rnd));
	for (int i = 0; i < TOKEN_LEN; i++)
		out[i] = ids_token_alphabet[rnd[i] & 63]; /* 64 symbols: uniform */
	out[TOKEN_LEN] = 0;
}

bool ids_parse_ulid(const char *s, int64_t *ms)
{
	if (strlen(s) != ULID_LEN || s[0] > '7')
		return false;
	uint64_t t = 0;
	for (int i = 0; i < ULID_LEN; i++) {
		const char *p = strchr(crockford, s[i]);
		if (!s[i] || !p)
			return false;
		if (i < 10)
			t = t * 32 + (uint64_t)(p - crockford);
	}
	if (ms)
		*ms = (int64_t)t;
	return true;
}

/* live.c: the change counter behind the dashboard's live view (see live.h). */
#include "live.h"

#include <stdatomic.h>
#include <stddef.h>

static _Atomic unsigned long long generation = 1;
static void (*_Atomic waker)(void);

unsigned long long live_generation(void)
{
	return atomic_load_explicit(&generation, memory_order_acquire);
}

void live_changed(void)
{
	/* PERF: one atomic add and a load per request; the waker returns at once
	 * while no dashboard is open (http.c stream_wake) */
	atomic_fetch_add_explicit(&generation, 1, memory_order_acq_rel);
	void (*w)(void) = atomic_load_explicit(&waker, memory_order_acquire);
	if (w)
		w();
}

void live_set_waker(void (*fn)(void))
{
	atomic_store_explicit(&waker, fn, memory_order_release);
}

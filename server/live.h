/* live.h: the change counter behind the dashboard's live view.
 *
 * One generation number goes up each time something the dashboard shows may
 * have changed: every request to the emulated API (it adds a journal entry, and
 * may write), every control request that writes (control.c calls live_changed at
 * the end of each request), and what changes outside a request: the events
 * gateway's sessions opening, authenticating, pinging and closing (sessions.c). The
 * dashboard's event stream (GET /_mock/ui/changes, dashboard.c and http.c) sends
 * the number to each open page, which then reads what it shows again.
 *
 * Thread-safe: the counter is atomic, and the waker runs on the thread that
 * called live_changed (it must not block for long: http.c only resumes the
 * streams waiting for a change). The lowest layer: includes nothing of ours. */
#ifndef STOAT_LIVE_H
#define STOAT_LIVE_H

/* The current generation: 1 at start-up, then one more per live_changed(). */
unsigned long long live_generation(void);

/* Something the dashboard shows may have changed: the generation goes up, then
 * the waker (if set) is called. */
void live_changed(void);

/* Sets the function live_changed calls after counting (http.c: wake the event
 * streams), or NULL for none. Called at start-up and shut-down only. */
void live_set_waker(void (*waker)(void));

#endif

/* lock.c: the server lock (see lock.h). */
#include "lock.h"

#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void server_lock(void) { pthread_mutex_lock(&lock); }
void server_unlock(void) { pthread_mutex_unlock(&lock); }

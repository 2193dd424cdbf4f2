/* thread.h - helper threads of the long-running programs. */
#ifndef HD_THREAD_H
#define HD_THREAD_H

#include <pthread.h>
#include <stdbool.h>

/* pthread_create with every signal blocked in the new thread, so the
 * main thread's loop (ppoll/sigwait on SIGTERM) still gets them.
 * true when the thread runs. */
bool hd_thread_start(pthread_t *th, void *(*fn)(void *), void *arg);

#endif

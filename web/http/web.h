/* web.h - the helpdesk-web program. */
#ifndef WEB_WEB_H
#define WEB_WEB_H

/* Runs the HTTP server until SIGTERM/SIGINT; returns the exit status. */
int web_main(int argc, char **argv);

#endif

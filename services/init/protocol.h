/* Requests a domain started by init sends on the endpoint init gave it (its caps[0]). */
#ifndef INIT_PROTOCOL_H
#define INIT_PROTOCOL_H

enum init_request {
	INIT_HELLO = 1,	/* -> MR0 = domains running, MR1 = uptime in ms */
};

#endif

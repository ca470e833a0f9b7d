/*
 * The agent: a child domain the isolation tests drive. It calls its
 * endpoint (caps[0]) with the result of the last command and gets the next
 * command in the reply: label = command, MR0.. = arguments. Its reports
 * carry in MR1 how many caps came with the command it answers.
 */
#ifndef TEST_AGENT_H
#define TEST_AGENT_H

enum agent_command {
	AGENT_HELLO = 1,	/* its first call; never a command */
	AGENT_RESULT,		/* label of its reports: MR0 = result */
	AGENT_READ,		/* MR0 = address -> the word there (a 3-byte mov (%rdi),%rax) */
	AGENT_WRITE,		/* MR0 = address, MR1 = value */
	AGENT_MAP,		/* MR0 = frame slot, MR1 = vaddr: map it in its own VSpace -> error */
	AGENT_GET_ADDRESS,	/* MR0 = frame slot -> error of FRAME_GET_ADDRESS */
	AGENT_OUT,		/* executes outb (1 byte) */
	AGENT_IN,		/* executes inb (1 byte) */
	AGENT_RECEIVE_INTO,	/* MR0 = slot: caps in later messages land there */
	AGENT_EXIT,
};

#define AGENT_READ_LENGTH	3	/* bytes of the load instruction AGENT_READ faults on */
#define AGENT_PORT_LENGTH	1	/* bytes of in / out */

#endif

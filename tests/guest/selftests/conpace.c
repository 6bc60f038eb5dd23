// SPDX-License-Identifier: GPL-2.0
/*
 * conpace: copy lines from stdin to a console tty one at a time, each
 * cut to 140 bytes, waiting (tcdrain) until the console driver has sent
 * a line before writing the next.
 *
 * For the Hercules bench: its 3215 console keeps only the first 150
 * bytes of each write CCW, and the kernel's 3215 driver packs all the
 * lines it has queued into one CCW; one line per CCW loses nothing.
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define MAX_LINE 140

int main(void)
{
	char line[4096];

	while (fgets(line, sizeof(line), stdin)) {
		int whole = strchr(line, '\n') != NULL;
		size_t n = strcspn(line, "\n");

		if (n > MAX_LINE)
			n = MAX_LINE;
		line[n] = '\n';
		if (write(STDOUT_FILENO, line, n + 1) < 0)
			return 1;
		/* Fails harmlessly when stdout is not a tty. */
		tcdrain(STDOUT_FILENO);
		/* The rest of a line longer than the buffer goes. */
		while (!whole && fgets(line, sizeof(line), stdin))
			whole = strchr(line, '\n') != NULL;
	}
	return 0;
}

/* Cutting fuzz input into C strings, and writing it to files for the file-reading parsers. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "changegate.h"
#include "fuzz_input.h"

size_t cg_fuzz_split(const uint8_t *data, size_t size, char sep, char **fields, size_t max,
		     char **owner)
{
	char *copy = malloc(size + 1);
	if (copy == NULL)
		abort(); /* out of memory in a fuzzer is a finding, not a path to test */
	if (size > 0)
		memcpy(copy, data, size);
	copy[size] = '\0';
	*owner = copy;
	size_t n = 0;
	fields[n++] = copy;
	for (size_t i = 0; i < size && n < max; i++) {
		if (copy[i] == sep) {
			copy[i] = '\0';
			fields[n++] = copy + i + 1;
		}
	}
	return n;
}

int cg_fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	if (cg_write_all(fd, data, size) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

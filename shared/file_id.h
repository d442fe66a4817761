/* Internal to the core: a file's identity (struct cg_file_id, changegate.h) from a stat the
 * caller already made, for code that judged that very stat (the revocation list). */
#ifndef CG_FILE_ID_H
#define CG_FILE_ID_H

#include <sys/stat.h>

#include "changegate.h"

void cg_file_id_of_stat(const struct stat *st, struct cg_file_id *out);

#endif /* CG_FILE_ID_H */

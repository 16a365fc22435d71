/*
 * ownership.h - the invariant that every handoff has exactly one owner,
 * as one table.  Pure: the names of tables and columns it holds are data
 * for the check (src/app/check.c); the rules come from the modules that
 * own each lifecycle (handoff.c, advice.c, care.c, priority.c), so the
 * check and the use cases cannot drift apart.
 *
 * An entry is one way an object is held: while the object is in a state
 * that needs an owner through this entry, exactly one open task names it
 * in the entry's subject columns, with an owner and a due time; in any
 * other state no open task of the entry names it.  An object held in two
 * ways in different states (a GP action: the practice's letter task while
 * pending) has one entry per way, under the same kind.
 *
 * Adding a kind of handoff is one entry in ownership.c.
 */
#ifndef SEAM_OWNERSHIP_H
#define SEAM_OWNERSHIP_H

#include <stddef.h>

typedef struct ownership_kind {
    const char *kind;  /* the object's name in reports and events: "referral" */
    const char *table; /* where the objects live: "referrals" */
    /* The object's key columns; key[1] is NULL for a single id. */
    const char *key[2];
    /* The task columns that name the object, matching key[0] and key[1];
     * subject[1] NULL means a task names it by subject[0] = key[0] alone
     * (one letter task holds all its GP actions). */
    const char *subject[2];
    /* Only open tasks of this kind belong to the entry; NULL means every
     * open task on subject[0] that another entry's task_kind does not claim. */
    const char *task_kind;
    const char *state_col; /* the object's state column: "status" */
    /* NULL when the object carries patient_nhs_number; otherwise the table
     * whose id = key[0] carries it (a GP action's letter). */
    const char *patient_table;
    /* Every state the object can be in, by index; NULL past the last. */
    const char *(*state)(int i);
    /* 1 when an object in this state needs an owner through this entry;
     * 0 otherwise (and for a name that is not a state). */
    int (*needs_owner)(const char *state);
} ownership_kind;

/* The number of entries, and entry i (NULL out of range). */
size_t ownership_count(void);
const ownership_kind *ownership_at(size_t i);

/* 1 when an object of `kind` in `state` needs an owner through some
 * entry of that kind; 0 otherwise (unknown kind or state included). */
int ownership_needs_owner(const char *kind, const char *state);

#endif

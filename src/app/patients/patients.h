/*
 * patients/patients.h - what the patients room publishes to the other
 * rooms of src/app: the patient a practice's request is about.
 */
#ifndef SEAM_PATIENTS_H
#define SEAM_PATIENTS_H

#include "app/frame/frame.h"

/* The patient nhs (normalised) registered at the caller's practice: 0 and
 * their ICB code copied into icb (16 bytes), or 404 not_found on field
 * ("No patient with NHS number ... is registered at your practice.").
 * Reads only. */
int app__practice_patient(app_ctx *ctx, const char *nhs, const char *field, char icb[16]);

#endif

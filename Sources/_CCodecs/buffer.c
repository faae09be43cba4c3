#include "ccodecs_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void ccodecs_set_message(ccodecs_message *message, const char *format, ...) {
    if (message == NULL) return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message->text, sizeof message->text, format, arguments);
    va_end(arguments);
}

int ccodecs_buffer_reserve(ccodecs_buffer *buffer, size_t extra) {
    if (extra > SIZE_MAX - buffer->count) return -1;
    size_t needed = buffer->count + extra;
    if (needed <= buffer->capacity) return 0;
    size_t capacity = buffer->capacity < 4096 ? 4096 : buffer->capacity;
    while (capacity < needed) {
        if (capacity > SIZE_MAX / 2) { capacity = needed; break; }
        capacity *= 2;
    }
    uint8_t *grown = realloc(buffer->bytes, capacity);
    if (grown == NULL) return -1;
    buffer->bytes = grown;
    buffer->capacity = capacity;
    return 0;
}

void ccodecs_buffer_free(ccodecs_buffer *buffer) {
    if (buffer == NULL) return;
    free(buffer->bytes);
    buffer->bytes = NULL;
    buffer->count = 0;
    buffer->capacity = 0;
}

void ccodecs_widen_in_place(uint16_t *samples, size_t count) {
    const uint8_t *bytes = (const uint8_t *)samples;
    for (size_t i = count; i > 0; i--) {
        samples[i - 1] = bytes[i - 1];
    }
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reader.h - `mmtrace read nats://...`: events of many hosts, read back
 * from the JetStream stream through a durable consumer.
 */
#ifndef MMT_READER_H
#define MMT_READER_H

int mmt_read_main(int argc, char **argv);

#endif /* MMT_READER_H */

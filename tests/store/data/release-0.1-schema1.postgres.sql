--
-- PostgreSQL database dump
--

\restrict DJjGhVPNva2K9TP9ST0NiMbxW0laeGJxgtrfKGERskYqyXCtk6XkLhm061eIgmp

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: overage_release_01; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA overage_release_01;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: conversations; Type: TABLE; Schema: overage_release_01; Owner: -
--

CREATE TABLE overage_release_01.conversations (
    channel_id character varying(300) NOT NULL,
    service_url text NOT NULL,
    tenant_id character varying(200),
    bot_id character varying(200),
    conversation text NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: post_ledger; Type: TABLE; Schema: overage_release_01; Owner: -
--

CREATE TABLE overage_release_01.post_ledger (
    id integer NOT NULL,
    destination character varying(200) NOT NULL,
    period character varying(200) NOT NULL,
    state character varying(16) NOT NULL,
    owner character varying(200) NOT NULL,
    claimed_at timestamp with time zone NOT NULL,
    lease_until timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    updated_at timestamp with time zone NOT NULL,
    message_ref character varying(200),
    attempts integer NOT NULL,
    last_error text
);


--
-- Name: post_ledger_id_seq; Type: SEQUENCE; Schema: overage_release_01; Owner: -
--

CREATE SEQUENCE overage_release_01.post_ledger_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: post_ledger_id_seq; Type: SEQUENCE OWNED BY; Schema: overage_release_01; Owner: -
--

ALTER SEQUENCE overage_release_01.post_ledger_id_seq OWNED BY overage_release_01.post_ledger.id;


--
-- Name: schema_version; Type: TABLE; Schema: overage_release_01; Owner: -
--

CREATE TABLE overage_release_01.schema_version (
    version integer NOT NULL
);


--
-- Name: snapshot_rows; Type: TABLE; Schema: overage_release_01; Owner: -
--

CREATE TABLE overage_release_01.snapshot_rows (
    id integer NOT NULL,
    snapshot_id integer NOT NULL,
    company_id character varying(200) NOT NULL,
    name text NOT NULL,
    license_limit integer,
    active_users integer NOT NULL,
    excess integer
);


--
-- Name: snapshot_rows_id_seq; Type: SEQUENCE; Schema: overage_release_01; Owner: -
--

CREATE SEQUENCE overage_release_01.snapshot_rows_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: snapshot_rows_id_seq; Type: SEQUENCE OWNED BY; Schema: overage_release_01; Owner: -
--

ALTER SEQUENCE overage_release_01.snapshot_rows_id_seq OWNED BY overage_release_01.snapshot_rows.id;


--
-- Name: snapshots; Type: TABLE; Schema: overage_release_01; Owner: -
--

CREATE TABLE overage_release_01.snapshots (
    id integer NOT NULL,
    period character varying(200) NOT NULL,
    taken_at timestamp with time zone NOT NULL,
    taken_on date NOT NULL
);


--
-- Name: snapshots_id_seq; Type: SEQUENCE; Schema: overage_release_01; Owner: -
--

CREATE SEQUENCE overage_release_01.snapshots_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: snapshots_id_seq; Type: SEQUENCE OWNED BY; Schema: overage_release_01; Owner: -
--

ALTER SEQUENCE overage_release_01.snapshots_id_seq OWNED BY overage_release_01.snapshots.id;


--
-- Name: post_ledger id; Type: DEFAULT; Schema: overage_release_01; Owner: -
--

ALTER TABLE ONLY overage_release_01.post_ledger ALTER COLUMN id SET DEFAULT nextval('overage_release_01.post_ledger_id_seq'::regclass);


--
-- Name: snapshot_rows id; Type: DEFAULT; Schema: overage_release_01; Owner: -
--

ALTER TABLE ONLY overage_release_01.snapshot_rows ALTER COLUMN id SET DEFAULT nextval('overage_release_01.snapshot_rows_id_seq'::regclass);


--
-- Name: snapshots id; Type: DEFAULT; Schema: overage_release_01; Owner: -
--

ALTER TABLE ONLY overage_release_01.snapshots ALTER COLUMN id SET DEFAULT nextval('overage_release_01.snapshots_id_seq'::regclass);


--
-- Data for Name: conversations; Type: TABLE DATA; Schema: overage_release_01; Owner: -
--

INSERT INTO overage_release_01.conversations VALUES ('19:abc@thread.tacv2', 'https://smba.trafficmanager.net/emea/', 'tenant-1', '28:bot-id', '{"id": "19:abc@thread.tacv2", "isGroup": true}', '2026-11-20 09:00:00+00');
INSERT INTO overage_release_01.conversations VALUES ('19:def@thread.tacv2', 'https://smba.trafficmanager.net/amer/', NULL, NULL, '{"id": "19:def@thread.tacv2"}', '2026-11-27 09:00:00+00');


--
-- Data for Name: post_ledger; Type: TABLE DATA; Schema: overage_release_01; Owner: -
--

INSERT INTO overage_release_01.post_ledger VALUES (1, 'slack:C0123', 'weekly:2026-11-23T09:00Z', 'completed', 'vm:12531:e715f989', '2026-11-23 09:00:00+00', '2026-11-23 09:15:00+00', '2026-11-23 09:00:00+00', '2026-11-23 09:00:00+00', '1763888400.000100', 1, NULL);
INSERT INTO overage_release_01.post_ledger VALUES (2, 'teams:19:abc@thread.tacv2', 'weekly:2026-11-23T09:00Z', 'released', 'vm:12531:e715f989', '2026-11-23 09:00:00+00', '2026-11-23 09:15:00+00', NULL, '2026-11-23 09:00:05+00', NULL, 1, 'Bot Connector said 503');
INSERT INTO overage_release_01.post_ledger VALUES (3, 'slack:C0123', 'weekly:2026-11-30T09:00Z', 'claimed', 'vm:12531:e715f989', '2026-11-30 09:00:00+00', '2026-11-30 09:15:00+00', NULL, '2026-11-30 09:00:00+00', NULL, 1, NULL);
INSERT INTO overage_release_01.post_ledger VALUES (4, 'slack:C0123', 'key:2026-W48', 'completed', 'vm:12531:e715f989', '2026-11-30 09:03:00+00', '2026-11-30 09:18:00+00', '2026-11-30 09:03:00+00', '2026-11-30 09:03:00+00', '1764493380.000200', 1, NULL);


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: overage_release_01; Owner: -
--

INSERT INTO overage_release_01.schema_version VALUES (1);


--
-- Data for Name: snapshot_rows; Type: TABLE DATA; Schema: overage_release_01; Owner: -
--

INSERT INTO overage_release_01.snapshot_rows VALUES (1, 1, 'c-1', 'Acme Ltd', 100, 150, 50);
INSERT INTO overage_release_01.snapshot_rows VALUES (2, 1, 'c-2', 'Ünïcode Şirketi A.Ş.', NULL, 7, NULL);
INSERT INTO overage_release_01.snapshot_rows VALUES (3, 2, 'c-1', 'Acme Ltd', 100, 160, 60);
INSERT INTO overage_release_01.snapshot_rows VALUES (4, 2, 'c-3', 'Globex', 250, 251, 1);
INSERT INTO overage_release_01.snapshot_rows VALUES (5, 2, 'c-2', 'Ünïcode Şirketi A.Ş.', NULL, 9, NULL);


--
-- Data for Name: snapshots; Type: TABLE DATA; Schema: overage_release_01; Owner: -
--

INSERT INTO overage_release_01.snapshots VALUES (1, 'weekly:2026-11-23T09:00Z', '2026-11-23 09:00:00+00', '2026-11-23');
INSERT INTO overage_release_01.snapshots VALUES (2, 'weekly:2026-11-30T09:00Z', '2026-11-30 09:00:00+00', '2026-11-30');


--
-- Name: post_ledger_id_seq; Type: SEQUENCE SET; Schema: overage_release_01; Owner: -
--

SELECT pg_catalog.setval('overage_release_01.post_ledger_id_seq', 4, true);


--
-- Name: snapshot_rows_id_seq; Type: SEQUENCE SET; Schema: overage_release_01; Owner: -
--

SELECT pg_catalog.setval('overage_release_01.snapshot_rows_id_seq', 5, true);


--
-- Name: snapshots_id_seq; Type: SEQUENCE SET; Schema: overage_release_01; Owner: -
--

SELECT pg_catalog.setval('overage_release_01.snapshots_id_seq', 2, true);


--
-- Name: conversations conversations_pkey; Type: CONSTRAINT; Schema: overage_release_01; Owner: -
--

ALTER TABLE ONLY overage_release_01.conversations
    ADD CONSTRAINT conversations_pkey PRIMARY KEY (channel_id);


--
-- Name: post_ledger post_ledger_pkey; Type: CONSTRAINT; Schema: overage_release_01; Owner: -
--

ALTER TABLE ONLY overage_release_01.post_ledger
    ADD CONSTRAINT post_ledger_pkey PRIMARY KEY (id);


--
-- Name: snapshot_rows snapshot_rows_pkey; Type: CONSTRAINT; Schema: overage_release_01; Owner: -
--

ALTER TABLE ONLY overage_release_01.snapshot_rows
    ADD CONSTRAINT snapshot_rows_pkey PRIMARY KEY (id);


--
-- Name: snapshots snapshots_period_key; Type: CONSTRAINT; Schema: overage_release_01; Owner: -
--

ALTER TABLE ONLY overage_release_01.snapshots
    ADD CONSTRAINT snapshots_period_key UNIQUE (period);


--
-- Name: snapshots snapshots_pkey; Type: CONSTRAINT; Schema: overage_release_01; Owner: -
--

ALTER TABLE ONLY overage_release_01.snapshots
    ADD CONSTRAINT snapshots_pkey PRIMARY KEY (id);


--
-- Name: post_ledger uq_post_ledger_destination_period; Type: CONSTRAINT; Schema: overage_release_01; Owner: -
--

ALTER TABLE ONLY overage_release_01.post_ledger
    ADD CONSTRAINT uq_post_ledger_destination_period UNIQUE (destination, period);


--
-- Name: ix_snapshot_rows_snapshot_id; Type: INDEX; Schema: overage_release_01; Owner: -
--

CREATE INDEX ix_snapshot_rows_snapshot_id ON overage_release_01.snapshot_rows USING btree (snapshot_id);


--
-- Name: snapshot_rows snapshot_rows_snapshot_id_fkey; Type: FK CONSTRAINT; Schema: overage_release_01; Owner: -
--

ALTER TABLE ONLY overage_release_01.snapshot_rows
    ADD CONSTRAINT snapshot_rows_snapshot_id_fkey FOREIGN KEY (snapshot_id) REFERENCES overage_release_01.snapshots(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict DJjGhVPNva2K9TP9ST0NiMbxW0laeGJxgtrfKGERskYqyXCtk6XkLhm061eIgmp


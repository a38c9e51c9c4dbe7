CREATE TABLE `audit_chain_head` (
	`id` tinyint NOT NULL,
	`last_event_id` bigint unsigned NOT NULL,
	`last_hash` char(64) NOT NULL,
	CONSTRAINT `audit_chain_head_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`at` datetime(3) NOT NULL,
	`actor_type` enum('user','external','system') NOT NULL,
	`actor_id` bigint unsigned,
	`actor_name` varchar(64) NOT NULL,
	`action` varchar(64) NOT NULL,
	`host_id` bigint unsigned,
	`host_name` varchar(64),
	`target_kind` varchar(32),
	`target_id` varchar(128),
	`target_name` varchar(255),
	`outcome` enum('success','failure','denied') NOT NULL,
	`message` text NOT NULL,
	`detail` json,
	`client_ip` varchar(64),
	`request_id` varchar(64),
	`prev_hash` char(64) NOT NULL,
	`hash` char(64) NOT NULL,
	CONSTRAINT `audit_events_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `hosts` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`name` varchar(64) NOT NULL,
	`agent_url` varchar(512) NOT NULL,
	`agent_public_key` varchar(64) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`last_seen_at` datetime(3),
	`last_status` enum('unknown','up','down','unverified') NOT NULL DEFAULT 'unknown',
	`first_synced_at` datetime(3),
	CONSTRAINT `hosts_id` PRIMARY KEY(`id`),
	CONSTRAINT `hosts_name_unique` UNIQUE(`name`)
);
--> statement-breakpoint
CREATE TABLE `login_throttles` (
	`throttle_key` varchar(128) NOT NULL,
	`failures` int NOT NULL,
	`window_started_at` datetime(3) NOT NULL,
	`blocked_until` datetime(3),
	CONSTRAINT `login_throttles_throttle_key` PRIMARY KEY(`throttle_key`)
);
--> statement-breakpoint
CREATE TABLE `resources` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`host_id` bigint unsigned NOT NULL,
	`kind` enum('image','container') NOT NULL,
	`docker_id` varchar(128) NOT NULL,
	`workspace` varchar(64) NOT NULL,
	`origin` enum('preexisting','platform','external') NOT NULL,
	`created_by` varchar(64),
	`name` varchar(255),
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `resources_id` PRIMARY KEY(`id`),
	CONSTRAINT `resources_host_kind_docker_unique` UNIQUE(`host_id`,`kind`,`docker_id`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` varchar(32) NOT NULL,
	`secret_hash` char(64) NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`last_verified_at` datetime(3) NOT NULL,
	CONSTRAINT `sessions_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`username` varchar(32) NOT NULL,
	`password_hash` varchar(255) NOT NULL,
	`role` enum('admin','user') NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`disabled_at` datetime(3),
	CONSTRAINT `users_id` PRIMARY KEY(`id`),
	CONSTRAINT `users_username_unique` UNIQUE(`username`)
);
--> statement-breakpoint
ALTER TABLE `resources` ADD CONSTRAINT `resources_host_id_hosts_id_fk` FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `sessions` ADD CONSTRAINT `sessions_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_events` (`at`);--> statement-breakpoint
CREATE INDEX `audit_actor_at_idx` ON `audit_events` (`actor_name`,`at`);--> statement-breakpoint
CREATE INDEX `audit_action_at_idx` ON `audit_events` (`action`,`at`);--> statement-breakpoint
CREATE INDEX `resources_workspace_idx` ON `resources` (`host_id`,`workspace`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);
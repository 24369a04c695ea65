"""What tests and benchmarks both need to drive the app: a server on a free loopback port, and a headless browser."""

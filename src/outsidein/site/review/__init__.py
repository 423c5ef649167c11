"""The leadership review: what a team learned from customers in a period, gathered from every area, as one PDF."""

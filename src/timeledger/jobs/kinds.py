"""Imports every module that registers job kinds or cycle tasks with the worker."""

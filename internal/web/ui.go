package web

import "html/template"

func (s *Server) uiRoutes() []route { return nil }

func (s *Server) parsePages() (map[string]*template.Template, error) { return nil, nil }
